"""Bringing marketplace orders in: by id (a webhook said it changed) and by scheduled fetch of
everything updated since the store's watermark (windows overlap, the upsert makes that safe)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains import stores
from app.domains.orders.ingest import IngestResult, ingest_page
from app.domains.orders.tables import StoreWatermark
from app.domains.stores import SyncKind, connection_for, open_adapter

OVERLAP = timedelta(minutes=10)
FIRST_FETCH = timedelta(days=3)
DETAIL_BATCH = 50


@dataclass(slots=True)
class FetchReport:
    seen: int = 0
    created: int = 0
    updated: int = 0
    oversold: list[str] = field(default_factory=list)

    def add(self, result: IngestResult, order_number: str) -> None:
        self.seen += 1
        self.created += int(result.created)
        self.updated += int(result.changed and not result.created)
        if result.oversold:
            self.oversold.append(order_number)


async def _ingest_ids(tenant: Tenant, store_row: dict, adapter, conn, ids: list[str], report: FetchReport,
                      progress: Callable[[int, int], Awaitable[None]] | None = None, total: int = 0) -> None:
    for start in range(0, len(ids), DETAIL_BATCH):
        orders = await adapter.get_orders(conn, ids[start:start + DETAIL_BATCH])
        for order, result in zip(orders, await ingest_page(tenant, store_row, orders), strict=True):
            report.add(result, order.order_id)
        if progress:
            await progress(min(start + DETAIL_BATCH, len(ids)), total or len(ids))


async def ingest_orders(tenant: Tenant, store_id: int, order_ids: Iterable[str]) -> FetchReport:
    """Fetch these orders' details from the store's marketplace and upsert them."""
    store = await stores.get_store(tenant, store_id)
    report = FetchReport()
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        await _ingest_ids(tenant, {"id": store.id, "platform": store.platform}, adapter, conn,
                          sorted(set(order_ids)), report)
    return report


async def fetch_store_orders(tenant: Tenant, store_id: int, *,
                             progress: Callable[[int, int], Awaitable[None]] | None = None) -> FetchReport:
    """Upsert every order of the store updated since its watermark (minus an overlap), then move
    the watermark to the start of this run. A crash leaves the watermark where it was, so the next
    run reads the same window again and the upsert keeps every order exactly once."""
    store = await stores.get_store(tenant, store_id)
    mark = await tenant.scoped(StoreWatermark).select().where(StoreWatermark.store == store_id).first()
    started = utcnow()
    since = (mark["fetched_until"] - OVERLAP) if mark and mark["fetched_until"] else started - FIRST_FETCH
    report = FetchReport()
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        # Platforms filter on whole seconds with an exclusive upper bound: read one second past now.
        until = started + timedelta(seconds=1)
        ids = [summary.order_id async for summary in adapter.fetch_order_changes(conn, since, until)]
        await _ingest_ids(tenant, {"id": store.id, "platform": store.platform}, adapter, conn,
                          list(dict.fromkeys(ids)), report, progress, len(ids))
    if mark:
        await tenant.scoped(StoreWatermark).update({StoreWatermark.fetched_until: started}).where(
            StoreWatermark.store == store_id)
    else:
        await tenant.scoped(StoreWatermark).new(store=store_id, fetched_until=started).save()
    await stores.mark_synced(tenant, store_id, kind=SyncKind.ORDER_FETCH, at=started)
    return report


async def fetch_notified_order(tenant: Tenant, store_id: int, order_id: str) -> str:
    """A marketplace said this order changed (a webhook): fetch it; what happened, for the event's log."""
    report = await ingest_orders(tenant, store_id, [order_id])
    return f"order {order_id}: {report.created} new, {report.updated} updated"
