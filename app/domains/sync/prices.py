"""Price push: each mapped listing gets its variant's catalog price with the store's markup.

Prices go out only to stores that ask for it (auto_push_prices) and only where the marketplace's
price differs from ours, so running it again changes nothing. A price the platform refuses (below
its floor, a promotion running) is logged against the listing and does not stop the others.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core import tasks
from app.core.queue import task_job
from app.core.tenancy import Tenant
from app.domains import listings, stores
from app.domains.catalog import CatalogPricesChanged
from app.domains.listings import set_platform_price
from app.domains.stores import StorePricesWanted, StoreStatus, connection_for, open_adapter
from app.domains.sync import log as sync_log
from app.domains.sync.push import PushReport
from app.domains.sync.tables import SyncLog
from app.integrations.base import PriceUpdate
from app.integrations.errors import IntegrationError

BATCH = 50


def store_price(catalog_price: int, markup_percent: int) -> int:
    """The catalog price (whole rupiah) with the markup, rounded half up to whole rupiah; never below 1."""
    return max(1, (catalog_price * (100 + markup_percent) + 50) // 100)


# A price push reports the same counts as a stock push.
PriceReport = PushReport


async def price_targets(tenant: Tenant, store_id: int, markup: int,
                        variant_ids: Iterable[int] | None = None) -> list[tuple[dict, int]]:
    """(listing, price it should have) for the store's mapped listings whose variant has a price."""
    rows = await listings.mapped_for_push(tenant, store_id, variant_ids)
    return [(r, store_price(r["catalog_price"], markup)) for r in rows if (r["catalog_price"] or 0) > 0]


async def push_prices(tenant: Tenant, store_id: int, *, variant_ids: Iterable[int] | None = None,
                      force: bool = False, background_job_id: int | None = None) -> PriceReport:
    """Send the prices that differ from the marketplace's (all with force). Raises the platform's
    error when nothing at all could be sent, so that the job is retried."""
    report = PriceReport(store_id)
    store = await stores.get_store(tenant, store_id)
    if store.status != StoreStatus.ACTIVE:
        report.skipped_reason = f"store is {store.status}"
        return report
    if not store.auto_push_prices and not force:
        report.skipped_reason = "price push is off"
        return report
    pairs = await price_targets(tenant, store_id, store.price_markup_percent or 0, variant_ids)
    report.considered = len(pairs)
    todo = [(row, price) for row, price in pairs if force or row["platform_price"] != price]
    if not todo:
        return report
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            updates = [PriceUpdate(listing_id=row["platform_item_id"], variant_id=row["platform_model_id"],
                                   price=price) for row, price in batch]
            try:
                result = await adapter.update_price(conn, updates)
            except IntegrationError as exc:
                report.failed += len(batch)
                report.errors.append(exc.seller_message)
                await sync_log.write(tenant, "price", exc.seller_message, level="error", store_id=store_id,
                                     background_job_id=background_job_id)
                if report.sent == 0:
                    raise
                continue
            refused = {(f.listing_id, f.variant_id): f.reason for f in result.failed}
            logs, sent_at = [], {}
            for row, price in batch:
                reason = refused.get((row["platform_item_id"], row["platform_model_id"]))
                if reason is None:
                    sent_at.setdefault(price, []).append(row["id"])
                    report.sent += 1
                else:
                    report.failed += 1
                logs.append(SyncLog(organization=tenant.organization_id, background_job=background_job_id,
                                    store_id=store_id, listing_id=row["id"], variant_id=row["variant"], action="price",
                                    level="error" if reason else "info", quantity=price,
                                    previous_quantity=row["platform_price"],
                                    message=reason or "price sent"))
            for price, ids in sent_at.items():
                await set_platform_price(tenant, ids, price)
            await sync_log.write_many(logs)
    return report


async def push_prices_everywhere(tenant: Tenant, variant_ids: Iterable[int] | None = None) -> list[PriceReport]:
    """Push changed prices to every active store that takes prices from the catalog."""
    reports = []
    for store in await stores.active_stores(tenant):
        if store["auto_push_prices"]:
            try:
                reports.append(await push_prices(tenant, store["id"], variant_ids=variant_ids))
            except IntegrationError as exc:  # one store's trouble does not keep prices from the others
                reports.append(PriceReport(store["id"], failed=1, errors=[exc.seller_message]))
    return reports


async def enqueue_price_push(organization_id: int, store_id: int | None = None, *, force: bool = False) -> None:
    """Queue a price push shortly (one per organisation, or per store, at a time)."""
    import time

    from app.core.queue import get_queue

    key = f"pricepush:{organization_id}:{store_id or 'all'}"
    await get_queue().enqueue(task_job(
        tasks.push_prices, key=key, scheduled=int(time.time() + 2), timeout=900, retries=3, retry_backoff=True,
        heartbeat=300)(organization_id=organization_id, store_id=store_id, force=force))


async def push_prices_on_catalog_change(event: CatalogPricesChanged) -> None:
    """Listener of the catalog's CatalogPricesChanged: stores taking catalog prices get changed ones."""
    await enqueue_price_push(event.organization_id)


async def push_prices_when_wanted(event: StorePricesWanted) -> None:
    """Listener of stores' StorePricesWanted."""
    await enqueue_price_push(event.organization_id, event.store_id, force=event.force)
