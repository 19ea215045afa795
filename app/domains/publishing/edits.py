"""Send a catalog product's edited title, description and prices to the listings it feeds, store by
store, after a preview of what will change.

The preview compares what StoreSync last knew of each listing (its title, and each variant's price
as imported or last sent) with the product now (price with the store's markup). The listing's
current description is not kept, so the preview shows the description that will be sent. Sending
is a background job per listing (no marketplace call inside a request or a transaction); on success
the listing rows take the new title and prices, so the preview shows nothing left to send. Photos
are not sent yet. A channel whose adapter is not a ListingEditor, or a store that is not connected now,
shows its preview without a button and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _, read
from app.core.tenancy import Tenant
from app.domains import catalog, listings, stores, sync
from app.domains.audit import record
from app.integrations import errors
from app.integrations.base import ListingEdit, ListingEditor


@dataclass(frozen=True, slots=True)
class PriceChange:
    sku: str
    model_id: str
    old: int
    new: int


@dataclass(frozen=True, slots=True)
class SaleView:
    id: int
    store: int
    listing_state: str
    sale_change: str
    sale_error: str
    store_status: str


@dataclass(slots=True)
class ListingChanges:
    """One published listing of the product: what sending would change on it."""

    listing_row_id: int  # one of its rows (the send button names it)
    store_id: int
    store_name: str
    platform: str
    item_id: str
    title_old: str
    title_new: str
    description_new: str
    prices: list[PriceChange] = field(default_factory=list)
    blocked: str = ""  # why it cannot be sent now, in the seller's words ("" when it can)
    listing_state: str = ""  # ListingState on the marketplace (live, unlisted, draft) at the last import
    row_ids: set[int] = field(default_factory=set)  # every listing row of the item
    sale_change: str = ""  # ListingState asked of the marketplace by a job not finished yet
    sale_error: str = ""  # the marketplace's refusal of the last sale change
    store_status: str = ""

    @property
    def sale(self) -> SaleView:
        """What the sale fragment (publishing/_sale.html) shows of this listing."""
        return SaleView(id=self.listing_row_id, store=self.store_id, listing_state=self.listing_state,
                        sale_change=self.sale_change, sale_error=self.sale_error, store_status=self.store_status)

    @property
    def can_send(self) -> bool:
        return not self.blocked

    @property
    def title_changed(self) -> bool:
        return self.title_old != self.title_new

    @property
    def changed_prices(self) -> list[PriceChange]:
        return [p for p in self.prices if p.old != p.new]


async def preview(tenant: Tenant, product_id: int) -> list[ListingChanges]:
    """Per published listing of the product (mapped rows grouped by store and item), old -> new."""
    product, variants = await catalog.get_product(tenant, product_id)
    by_id = {v["id"]: v for v in variants if not v["archived"]}
    rows = await listings.listings_of_variants(tenant, list(by_id))
    out: dict[tuple[int, str], ListingChanges] = {}
    store_cache: dict[int, tuple[Any, str]] = {}  # store id -> (store, why it cannot be sent to, or "")
    for row in rows:
        store_id = row["store"]
        if store_id not in store_cache:
            store = await stores.get_store(tenant, store_id)
            async with stores.open_adapter(store.platform) as adapter:
                editable = isinstance(adapter, ListingEditor)
            blocked = ""
            if not editable:
                blocked = _("This marketplace cannot receive product changes yet.")
            elif store.status != stores.StoreStatus.ACTIVE:
                blocked = _("This store is not connected now: resume or reconnect it to send changes.")
            store_cache[store_id] = (store, blocked)
        store, blocked = store_cache[store_id]
        key = (store_id, row["platform_item_id"])
        if key not in out:
            out[key] = ListingChanges(
                listing_row_id=row["id"], store_id=store_id, store_name=store.name, platform=store.platform,
                item_id=row["platform_item_id"], title_old=row["title"], title_new=product.name,
                description_new=product.description or product.name,
                blocked=blocked, listing_state=row.get("listing_state") or "",
                sale_change=row.get("sale_change") or "", sale_error=row.get("sale_error") or "",
                store_status=store.status)
        out[key].row_ids.add(row["id"])
        variant = by_id[row["variant"]]
        markup = store.price_markup_percent or 0
        new_price = sync.store_price(variant["price"], markup) if variant["price"] > 0 else 0
        out[key].prices.append(PriceChange(sku=variant["sku"], model_id=row["platform_model_id"],
                                           old=row["platform_price"], new=new_price))
    return list(out.values())


async def changes_of(tenant: Tenant, product_id: int, listing_row_id: int) -> ListingChanges:
    """The preview of one listing of this product (NotFound when the row is not one of its listings)."""
    found = next((c for c in await preview(tenant, product_id) if listing_row_id in c.row_ids), None)
    if found is None:
        raise NotFound(_("This listing does not sell this product."))
    return found


async def send_changes(tenant: Tenant, product_id: int, listing_row_id: int) -> ListingChanges:
    """Send the product's title, description and prices to one listing (the job's work); a refusal
    raises ValidationFailed keyed by the field, and nothing is recorded as sent."""
    changes = await changes_of(tenant, product_id, listing_row_id)
    if not changes.can_send:
        raise ValidationFailed({"platform": changes.blocked})
    if any(p.new <= 0 for p in changes.prices):
        raise ValidationFailed({"price": _("Enter the price of every variant first.")})
    store = await stores.get_store(tenant, changes.store_id)
    prices = {p.model_id: p.new for p in changes.prices}
    async with stores.open_adapter(store.platform) as adapter:
        assert isinstance(adapter, ListingEditor)
        if len(changes.title_new) > adapter.listing_limits.title_max:
            raise ValidationFailed({"title": _("The title is %(n)s characters; this marketplace takes at most %(max)s.",
                                               n=len(changes.title_new), max=adapter.listing_limits.title_max)})
        try:
            await adapter.update_listing(stores.connection_for(tenant, store, adapter), ListingEdit(
                listing_id=changes.item_id, title=changes.title_new, description=changes.description_new,
                prices=prices))
        except errors.ListingRefused as refused:
            raise ValidationFailed({(refused.field or "platform").replace("attribute:", "attr_"):
                                    refused.detail}) from refused
        except errors.IntegrationError as exc:
            raise ValidationFailed({"platform": read(exc.seller_message)}) from exc
    await listings.record_listing_edit(tenant, store.id, changes.item_id, changes.title_new, prices)
    await record(tenant.organization_id, tenant.actor, "listing.content_sent", "product", product_id,
                 before={"title": changes.title_old, "prices": {p.sku: p.old for p in changes.prices}},
                 after={"store": store.id, "listing": changes.item_id, "title": changes.title_new,
                        "prices": {p.sku: p.new for p in changes.prices}})
    return changes
