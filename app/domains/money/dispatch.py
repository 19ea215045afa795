"""Reactions to orders changing: their days' rollups are recomputed, and a completed marketplace
order's settlement is asked for — each by a job enqueued after the commit."""

from __future__ import annotations

from collections import defaultdict

from app.core import tasks
from app.core.queue import get_queue, job_options, task_job
from app.core.tenancy import Tenant
from app.domains import orders


async def on_orders_changed(event: orders.OrdersChanged) -> None:
    """Listener of orders' OrdersChanged (subscribed in app.wiring)."""
    queue = get_queue()
    await queue.enqueue(task_job(tasks.refresh_rollups, **job_options(timeout=600, retries=3))(
        organization_id=event.organization_id, order_ids=list(event.order_ids)))
    if event.completed:
        tenant = Tenant(event.organization_id)
        by_store: dict[int, list[int]] = defaultdict(list)
        for order_id in event.completed:
            store_id = await orders.order_store(tenant, order_id)
            if store_id is not None:
                by_store[store_id].append(order_id)
        for store_id, ids in by_store.items():
            await enqueue_settlement(event.organization_id, store_id, ids)


async def enqueue_settlement(organization_id: int, store_id: int, order_ids: list[int] | None = None,
                             *, key: str | None = None) -> None:
    await get_queue().enqueue(task_job(tasks.settle_store, key=key, **job_options(timeout=1800, retries=5))(
        organization_id=organization_id, store_id=store_id, order_ids=order_ids or []))
