"""A listing put on sale or taken off sale from StoreSync: the change asked (pending until the job
answers), then the new state or the marketplace's refusal, on every row of the item."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import Conflict, NotFound
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.listings.statuses import ListingState
from app.domains.listings.tables import Listing

# What each button asks for, and the states it is offered from.
ON_SALE_FROM = {ListingState.UNLISTED.value, ListingState.DRAFT.value}
OFF_SALE_FROM = {ListingState.LIVE.value}


@dataclass(frozen=True, slots=True)
class SaleTarget:
    """One marketplace item as a sale change needs it: its store, platform ids and state."""

    listing_id: int
    store_id: int
    item_id: str
    variant_ids: tuple[str, ...]
    listing_state: str
    sale_change: str


async def sale_target(tenant: Tenant, listing_id: int) -> SaleTarget:
    """The item of this listing row (NotFound for another organisation's or a missing row)."""
    row = await tenant.scoped(Listing).select(
        Listing.id, Listing.store, Listing.platform_item_id, Listing.listing_state, Listing.sale_change).where(
        Listing.id == listing_id).first()
    if row is None:
        raise NotFound(_("Listing not found."))
    models = await tenant.scoped(Listing).select(Listing.platform_model_id).where(
        (Listing.store == row["store"]) & (Listing.platform_item_id == row["platform_item_id"])).order_by(Listing.id)
    return SaleTarget(listing_id=row["id"], store_id=row["store"], item_id=row["platform_item_id"],
                      variant_ids=tuple(m["platform_model_id"] for m in models),
                      listing_state=row["listing_state"] or "", sale_change=row["sale_change"] or "")


def _item(target: SaleTarget):
    return (Listing.store == target.store_id) & (Listing.platform_item_id == target.item_id)


async def ask_sale_change(tenant: Tenant, target: SaleTarget, state: ListingState) -> None:
    """Mark the item's rows as waiting for `state` (live or unlisted); Conflict when a change is
    already waiting or the item is not in a state the change applies to."""
    allowed = ON_SALE_FROM if state == ListingState.LIVE else OFF_SALE_FROM
    if target.listing_state not in allowed:
        raise Conflict(_("This listing is not in a state that can be changed this way; import the listings again."))
    changed = await tenant.scoped(Listing).update(
        {Listing.sale_change: state.value, Listing.sale_error: ""}).where(
        _item(target) & (Listing.sale_change == "")).returning(Listing.id)
    if not changed:
        raise Conflict(_("A change of this listing is already on its way to the marketplace."))


async def record_sale_state(tenant: Tenant, target: SaleTarget, state: str) -> None:
    """The marketplace took the change: the item's rows show the new state."""
    await tenant.scoped(Listing).update({Listing.listing_state: state, Listing.sale_change: "",
                                         Listing.sale_error: ""}).where(_item(target))


async def record_sale_refusal(tenant: Tenant, target: SaleTarget, reason: str) -> None:
    """The marketplace refused the change (or could not be asked): the state stays, the reason shows."""
    await tenant.scoped(Listing).update({Listing.sale_change: "", Listing.sale_error: reason[:2000]}).where(
        _item(target))
