"""Listing import: read every listing of a store from its marketplace and map it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.core.i18n import deferred
from app.core.tenancy import Tenant
from app.domains import listings, stores
from app.domains import orders as remap
from app.domains.stores import SyncKind, connection_for, open_adapter
from app.domains.sync import log as sync_log

PAGE = 50


async def import_store_listings(tenant: Tenant, store_id: int, *,
                                progress: Callable[[int, str], Awaitable[None]] | None = None,
                                background_job_id: int | None = None) -> listings.ImportCounts:
    """Fetch all listings of a store (every page) and upsert them; idempotent."""
    store = await stores.get_store(tenant, store_id)
    totals = listings.ImportCounts()
    page = []
    seen = 0
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        async for item in adapter.fetch_listings(conn):
            page.append(item)
            seen += len(item.variants)
            if len(page) >= PAGE:
                totals.add(await listings.upsert_listings(tenant, store_id, page))
                page = []
                if progress:
                    await progress(seen, item.title)
        if page:
            totals.add(await listings.upsert_listings(tenant, store_id, page))
    await stores.mark_synced(tenant, store_id, kind=SyncKind.LISTING_IMPORT)
    await _resolve_waiting_orders(tenant, store_id, totals)
    await sync_log.write(tenant, "import", deferred(
        "%(created)s new, %(updated)s updated, %(mapped)s mapped, %(unmapped)s waiting to be mapped",
        created=totals.created, updated=totals.updated, mapped=totals.auto_mapped, unmapped=totals.unmapped),
                         store_id=store_id, background_job_id=background_job_id)
    return totals


async def _resolve_waiting_orders(tenant: Tenant, store_id: int, totals: listings.ImportCounts) -> None:
    """Listings this import mapped (their SKU now in the catalog) may have open orders waiting for
    them: give those their variant and stock, as a mapping by hand does."""
    variants = {(item, model): variant for item, model, variant in totals.mapped_now}
    waiting = await remap.listings_with_waiting_lines(tenant, store_id, list(variants))
    for item, model in sorted(waiting):
        await remap.resolve_listing_lines(tenant, store_id, item, model, variants[(item, model)])
