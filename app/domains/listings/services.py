"""Listings: import a store's marketplace listings, map them to master variants by SKU (the rest
wait in the unmapped queue), and record what was pushed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.records import from_row, from_rows
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog import ProductForm, VariantForm, create_product, variant_by_code, variants_by_sku
from app.domains.listings.statuses import MappingStatus, listing_state
from app.domains.listings.tables import Listing
from app.integrations.base import Listing as PlatformListing

if TYPE_CHECKING:
    from app.domains.catalog import Variant


@dataclass(slots=True)
class ImportCounts:
    created: int = 0
    updated: int = 0
    auto_mapped: int = 0
    unmapped: int = 0
    # (item id, model id, variant id) of listings this import mapped: orders may wait for them.
    mapped_now: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.auto_mapped += other.auto_mapped
        self.unmapped += other.unmapped
        self.mapped_now += other.mapped_now


async def upsert_listings(tenant: Tenant, store_id: int, listings: Iterable[PlatformListing]) -> ImportCounts:
    """Insert or refresh one page of a store's listings; new or still-unmapped rows are mapped by
    seller SKU when a master variant has it. A person's mapping (or ignore) is never overwritten."""
    units = []
    for item in listings:
        for v in item.variants:
            sku = (v.seller_sku or (item.seller_sku if not item.has_variants else None) or "").strip()
            units.append((item, v, sku))
    counts = ImportCounts()
    if not units:
        return counts
    by_sku = await variants_by_sku(tenant, [sku for _i, _v, sku in units if sku])
    keys = [(item.listing_id, v.variant_id) for item, v, _sku in units]
    existing = {
        (r["platform_item_id"], r["platform_model_id"]): r
        for r in await tenant.scoped(Listing).select(
            Listing.id, Listing.platform_item_id, Listing.platform_model_id, Listing.status, Listing.variant
        ).where((Listing.store == store_id) & Listing.platform_item_id.is_in(list({k[0] for k in keys})))
    }
    now = utcnow()
    async with transaction():
        for item, v, sku in units:
            match = by_sku.get(sku.upper()) if sku else None
            fields = {
                "title": item.title[:255], "model_name": (v.name or "")[:255], "seller_sku": sku[:64],
                "platform_price": v.price, "platform_quantity": v.quantity,
                "platform_location_id": v.location_id or "", "imported_at": now,
                "listing_state": listing_state(item.status),
            }
            row = existing.get((item.listing_id, v.variant_id))
            if row is None:
                variant_id: int | None = match.id if match is not None and not match.archived else None
                await tenant.scoped(Listing).new(
                    store=store_id, platform_item_id=item.listing_id, platform_model_id=v.variant_id,
                    variant=variant_id,
                    status=MappingStatus.MAPPED if variant_id is not None else MappingStatus.UNMAPPED, **fields).save()
                counts.created += 1
                mapped = variant_id is not None
                if variant_id is not None:
                    counts.mapped_now.append((item.listing_id, v.variant_id, variant_id))
            else:
                if row["status"] == MappingStatus.UNMAPPED and match is not None and not match.archived:
                    fields.update(variant=match.id, status=MappingStatus.MAPPED)
                    mapped = True
                    counts.mapped_now.append((item.listing_id, v.variant_id, match.id))
                else:
                    mapped = row["status"] == MappingStatus.MAPPED
                await tenant.scoped(Listing).update(fields).where(Listing.id == row["id"])
                counts.updated += 1
            if mapped:
                counts.auto_mapped += 1
            else:
                counts.unmapped += 1
    return counts


@dataclass(frozen=True, slots=True)
class ListingView:
    """A marketplace listing with the SKU of the variant it is mapped to (and that variant's product)."""

    id: int
    store: int
    platform_item_id: str
    platform_model_id: str
    title: str
    model_name: str
    seller_sku: str
    platform_price: int
    platform_quantity: int
    platform_location_id: str
    variant: int | None
    status: str
    listing_state: str
    last_pushed_qty: int | None
    last_pushed_at: datetime | None
    last_push_error: str
    imported_at: datetime
    variant_sku: str | None
    product_name: str | None = None
    sale_change: str = ""  # ListingState asked of the marketplace, waiting for the job
    sale_error: str = ""  # the marketplace's refusal of the last sale change
    store_status: str = ""  # StoreStatus of its store (a sale change needs an active store)


async def listings_of_store(tenant: Tenant, store_id: int, *, status: str = "", after: int | None = None,
                            limit: int = 50) -> tuple[list[ListingView], int | None]:
    query = tenant.scoped(Listing).select(
        *Listing.all_columns(), Listing.variant.sku.as_alias("variant_sku"),
        Listing.variant._.product.name.as_alias("product_name"), Listing.store.status.as_alias("store_status"),
    ).where(Listing.store == store_id)
    if status in set(MappingStatus):
        query = query.where(Listing.status == status)
    if after:
        query = query.where(Listing.id > after)
    found = await query.order_by(Listing.id).limit(limit + 1)
    rows = from_rows(ListingView, found[:limit])
    return rows, (rows[-1].id if len(found) > limit and rows else None)


async def unmapped_count(tenant: Tenant) -> int:
    return await tenant.scoped(Listing).count().where(Listing.status == MappingStatus.UNMAPPED)


def unmapped_count_sql(organization_id: int) -> tuple[str, list]:
    """`unmapped_count` as a scalar subquery (Piccolo raw placeholders) and its arguments, for a
    caller that reads several counts in one statement (the dashboard)."""
    return ("(SELECT COUNT(*) FROM listing WHERE organization = {} AND status = {})",
            [organization_id, MappingStatus.UNMAPPED.value])


async def _listing(tenant: Tenant, listing_id: int) -> Listing:
    return await tenant.scoped(Listing).get(listing_id, _("Listing not found."))


async def map_listing(tenant: Tenant, listing_id: int, code: str) -> Variant:
    """Map a listing to the master variant with this SKU or barcode."""
    listing = await _listing(tenant, listing_id)
    variant = await variant_by_code(tenant, code)
    if variant is None or variant.archived:
        raise ValidationFailed({"code": _("No active variant has the SKU or barcode %(code)s.", code=code.strip()[:64])})
    await tenant.scoped(Listing).update({Listing.variant: variant.id, Listing.status: MappingStatus.MAPPED}).where(
        Listing.id == listing.id)
    await record(tenant.organization_id, tenant.actor, "listing.mapped", "listing", listing.id,
                 before={"status": listing.status, "variant": listing.variant},
                 after={"status": "mapped", "variant": variant.id, "sku": variant.sku})
    return variant


async def ignore_listing(tenant: Tenant, listing_id: int) -> None:
    listing = await _listing(tenant, listing_id)
    await tenant.scoped(Listing).update({Listing.variant: None, Listing.status: MappingStatus.IGNORED}).where(
        Listing.id == listing.id)
    await record(tenant.organization_id, tenant.actor, "listing.ignored", "listing", listing.id,
                 before={"status": listing.status})


async def create_variant_from_listing(tenant: Tenant, listing_id: int) -> Variant:
    """Create a master product+variant from a listing's title, SKU and price, and map it; returns
    the variant."""
    return (await create_product_from_listings(tenant, [listing_id]))[0]


async def create_product_from_listings(tenant: Tenant, listing_ids: list[int]) -> list[Variant]:
    """Create one master product from listings of one marketplace item (its models or SKUs), a
    variant each with the listing's SKU, option name and price, and map them; returns the variants
    in the listings' order. ValidationFailed (nothing created) when a SKU is taken."""
    listings = [await _listing(tenant, listing_id) for listing_id in listing_ids]
    skus: list[str] = []
    for listing in listings:
        sku = (listing.seller_sku or f"{listing.platform_item_id}-{listing.platform_model_id}").upper()
        sku = sku.replace(" ", "-")[:64]
        if sku in skus:  # two models with one seller SKU: keep them apart by their platform ids
            sku = f"{listing.platform_item_id}-{listing.platform_model_id}"[:64]
        skus.append(sku)
    first = listings[0]
    form = ProductForm(name=first.title or skus[0], variants=[
        VariantForm(sku=sku, name=listing.model_name, price=listing.platform_price)
        for sku, listing in zip(skus, listings, strict=True)])
    await create_product(tenant, form)
    return [await map_listing(tenant, listing.id, variant.sku)
            for listing, variant in zip(listings, form.variants, strict=True)]


def _sku_forms(sku: str) -> list[str]:
    """The spellings of a seller SKU a catalog SKU may use: as typed, and with spaces, underscores
    and dots as dashes or left out ("KAOS_M", "kaos m" and "KAOS-M" suggest the same variant)."""
    text = sku.strip().upper()
    if not text:
        return []
    dashed = re.sub(r"[\s_.]+", "-", text)
    return list(dict.fromkeys([text, dashed, dashed.replace("-", "")]))


async def suggestions(tenant: Tenant, rows: Iterable[ListingView | Listing]) -> dict[int, Variant]:
    """The active variant each unmapped listing's seller SKU suggests (by listing id), if any."""
    wanted = {r.id: _sku_forms(r.seller_sku or "") for r in rows if r.status != MappingStatus.MAPPED}
    by_sku = await variants_by_sku(tenant, sorted({f for forms in wanted.values() for f in forms}))
    found: dict[int, Variant] = {}
    for listing_id, forms in wanted.items():
        match = next((by_sku[f] for f in forms if f in by_sku and not by_sku[f].archived), None)
        if match is not None:
            found[listing_id] = match
    return found


async def listings_by_id(tenant: Tenant, ids: Iterable[int]) -> list[Listing]:
    """These listings of the organisation (other ids are left out), in id order."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return await tenant.scoped(Listing).objects().where(Listing.id.is_in(wanted)).order_by(Listing.id)


@dataclass(frozen=True, slots=True)
class PushTarget:
    """A mapped listing with what a stock or price push needs."""

    id: int
    platform_item_id: str
    platform_model_id: str
    platform_location_id: str
    variant: int
    last_pushed_qty: int | None
    platform_price: int
    is_bundle: bool
    catalog_price: int  # a mapped listing has a variant


async def mapped_for_push(tenant: Tenant, store_id: int, variant_ids: Iterable[int] | None = None) -> list[PushTarget]:
    """Mapped listings of a store (optionally only for some variants), with what a stock or price
    push needs: the last pushed quantity, the marketplace's price, the variant's bundle flag and
    catalog price."""
    query = tenant.scoped(Listing).select(
        Listing.id, Listing.platform_item_id, Listing.platform_model_id, Listing.platform_location_id,
        Listing.variant, Listing.last_pushed_qty, Listing.platform_price,
        Listing.variant.is_bundle.as_alias("is_bundle"), Listing.variant.price.as_alias("catalog_price"),
    ).where((Listing.store == store_id) & (Listing.status == MappingStatus.MAPPED))
    if variant_ids is not None:
        ids = list(variant_ids)
        if not ids:
            return []
        query = query.where(Listing.variant.is_in(ids))
    return from_rows(PushTarget, await query.order_by(Listing.id))


async def record_pushes(tenant: Tenant, pushed: dict[int, int], failed: dict[int, str]) -> None:
    """Remember what each listing was sent (absolute quantities) and what failed, in words."""
    now = utcnow()
    async with transaction():
        by_qty: dict[int, list[int]] = {}
        for listing_id, qty in pushed.items():
            by_qty.setdefault(qty, []).append(listing_id)
        for qty, ids in by_qty.items():
            await tenant.scoped(Listing).update({Listing.last_pushed_qty: qty, Listing.last_pushed_at: now,
                                                 Listing.last_push_error: ""}).where(Listing.id.is_in(ids))
        for listing_id, reason in failed.items():
            await tenant.scoped(Listing).update({Listing.last_push_error: reason[:500]}).where(Listing.id == listing_id)


async def get_listing(tenant: Tenant, listing_id: int) -> ListingView:
    row = await tenant.scoped(Listing).select(
        *Listing.all_columns(), Listing.variant.sku.as_alias("variant_sku"),
        Listing.store.status.as_alias("store_status")).where(Listing.id == listing_id).first()
    if row is None:
        raise NotFound(_("Listing not found."))
    return from_row(ListingView, row)


async def labels_of(tenant: Tenant, listing_ids: Iterable[int]) -> dict[int, dict]:
    """What people call these listings: {id: title, model_name, seller_sku, variant_sku} (history pages)."""
    ids = sorted(set(listing_ids))
    if not ids:
        return {}
    rows = await tenant.scoped(Listing).select(
        Listing.id, Listing.title, Listing.model_name, Listing.seller_sku,
        Listing.variant.sku.as_alias("variant_sku")).where(Listing.id.is_in(ids))
    return {r["id"]: r for r in rows}


async def listing_names(tenant: Tenant, listing_ids: Iterable[int]) -> dict[int, str]:
    """{listing id: "title · model", else its seller SKU} (the audit trail's names of listings)."""
    return {i: " · ".join(x for x in (r["title"], r["model_name"]) if x) or r["seller_sku"]
            for i, r in (await labels_of(tenant, listing_ids)).items()}
