"""What other domains read and mark on the listings' tables, as functions (they never query them)."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.errors import Conflict
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.inventory import LocationDeactivating
from app.domains.listings.statuses import MappingStatus
from app.domains.listings.tables import Listing, StoreLocation


async def mapped_variants(tenant: Tenant, store_id: int, item_ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """{(platform item id, platform model id): variant id} of the store's mapped listings of these items."""
    rows = await tenant.scoped(Listing).select(Listing.platform_item_id, Listing.platform_model_id, Listing.variant).where(
        (Listing.store == store_id) & (Listing.status == MappingStatus.MAPPED)
        & Listing.platform_item_id.is_in(sorted(set(item_ids)) or [""]))
    return {(r["platform_item_id"], r["platform_model_id"]): r["variant"] for r in rows}


async def quantities_of_store(tenant: Tenant, store_id: int) -> dict[int, dict]:
    """{listing id: {id, platform_quantity, title, model_name, seller_sku}} of one store's listings."""
    return {r["id"]: r for r in await tenant.scoped(Listing).select(
        Listing.id, Listing.platform_quantity, Listing.title, Listing.model_name, Listing.seller_sku).where(
        Listing.store == store_id)}


async def push_outcomes(tenant: Tenant, listing_ids: list[int]) -> dict[int, dict]:
    """{listing id: {id, last_pushed_qty, last_push_error}}."""
    return {r["id"]: r for r in await tenant.scoped(Listing).select(
        Listing.id, Listing.last_pushed_qty, Listing.last_push_error).where(Listing.id.is_in(listing_ids))}


async def forget_pushed(tenant: Tenant, listing_ids: list[int]) -> None:
    """Forget what we believe we pushed to these listings, so the next push sends them again."""
    await tenant.scoped(Listing).update({Listing.last_pushed_qty: None}).where(Listing.id.is_in(listing_ids))


async def set_platform_price(tenant: Tenant, listing_ids: list[int], price: int) -> None:
    """The price the marketplace now shows for these listings (after a price push)."""
    await tenant.scoped(Listing).update({Listing.platform_price: price}).where(Listing.id.is_in(listing_ids))


async def a_store_sells_from(tenant: Tenant, location_id: int) -> bool:
    """Some store offers the stock of this location."""
    return await tenant.scoped(StoreLocation).exists().where(StoreLocation.location == location_id)


async def keep_sold_location(event: LocationDeactivating) -> None:
    """Listener of inventory's LocationDeactivating: a location a store sells from stays active."""
    if await a_store_sells_from(event.tenant, event.location_id):
        raise Conflict(_("A store sells the stock of %(code)s. Change that store's locations first.", code=event.code))


async def listings_of_variants(tenant: Tenant, variant_ids: Iterable[int]) -> list[dict]:
    """The mapped listings selling these variants: {id, store, platform_item_id, platform_model_id,
    title, platform_price, variant, seller_sku, listing_state, sale_change, sale_error}, by store and item."""
    return await tenant.scoped(Listing).select(
        Listing.id, Listing.store, Listing.platform_item_id, Listing.platform_model_id, Listing.title,
        Listing.platform_price, Listing.variant, Listing.seller_sku, Listing.listing_state, Listing.sale_change,
        Listing.sale_error).where(
        (Listing.status == MappingStatus.MAPPED) & Listing.variant.is_in(sorted(set(variant_ids)) or [0])).order_by(
        Listing.store).order_by(Listing.platform_item_id).order_by(Listing.id)


async def record_listing_edit(tenant: Tenant, store_id: int, item_id: str, title: str,
                              prices: dict[str, int]) -> None:
    """What the marketplace now shows for an item after its content was sent: title, and prices by model id."""
    await tenant.scoped(Listing).update({Listing.title: title[:255]}).where(
        (Listing.store == store_id) & (Listing.platform_item_id == item_id))
    for model_id, price in prices.items():
        await tenant.scoped(Listing).update({Listing.platform_price: price}).where(
            (Listing.store == store_id) & (Listing.platform_item_id == item_id)
            & (Listing.platform_model_id == model_id))
