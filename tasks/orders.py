"""Order tasks: the scheduled fetch per store, and the cron that schedules it from each store's
sync interval. Thin: they call the orders domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saq.job import Job

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements
from app.core.tenancy import Actor, Tenant


@implements(contracts.fetch_orders)
async def fetch_orders(ctx: WorkerContext, *, organization_id: int, store_id: int,
                       background_job_id: int | None = None) -> dict[str, Any]:
    from app.core.queue import report_progress
    from app.domains.orders.fetch import fetch_store_orders

    async def progress(done: int, total: int) -> None:
        await report_progress(ctx, done, total)

    report = await fetch_store_orders(Tenant(organization_id, Actor(None, "worker")), store_id, progress=progress)
    return {"seen": report.seen, "created": report.created, "updated": report.updated, "oversold": report.oversold}


async def schedule_order_fetches(ctx: WorkerContext, *, now: datetime | None = None) -> dict[str, int]:
    """Cron (every minute): enqueue fetch_orders for each store whose interval has passed since its
    last order fetch. The job key is per store and time slot, so two workers running this cron
    enqueue one fetch. ``now`` (tests) defaults to the clock."""
    from app.core.clock import utcnow
    from app.core.queue import get_queue
    from app.domains.stores.services import stores_due_for_order_fetch

    moment = now or utcnow()
    enqueued = 0
    for organization_id, store_id, interval in await stores_due_for_order_fetch(moment):
        slot = int(moment.timestamp() // (interval * 60))
        job = await get_queue().enqueue(order_fetch_job(organization_id, store_id, key=f"fetch-orders:{store_id}:{slot}"))
        enqueued += job is not None
    return {"enqueued": enqueued}


def order_fetch_job(organization_id: int, store_id: int, *, key: str) -> Job:
    """The scheduled order fetch of one store as a SAQ job (re-run after a crash: the watermark
    only moves when a run completes, and the upsert keeps each order once)."""
    from app.core.queue import job_options, task_job

    return task_job(fetch_orders, key=key, **job_options(timeout=1800, retries=5))(
        organization_id=organization_id, store_id=store_id)


async def notify_late_orders(ctx: WorkerContext) -> dict[str, int]:
    """Cron: tell people about orders past their ship-by time."""
    from app.domains.orders.late import notify_late_orders as run

    return {"notified": await run()}
