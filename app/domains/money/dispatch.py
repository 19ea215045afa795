"""Reactions to orders changing: their days' rollups are recomputed, and a completed marketplace
order's settlement is asked for — each by a job enqueued after the commit.

Rollup refreshes coalesce: changed order ids go into a Redis set per organisation, and one job per
organisation (keyed) drains it, again and again until it stays empty. A backfill of 5,000 orders
ingested a page at a time recomputes its day a few times, not once per page (each recompute reads
the whole day). A cron sweep (`pending_rollups`) catches ids added in the moment between a job's
last look at the set and its end, when a new job with the same key is still refused.
"""

from __future__ import annotations

from collections import defaultdict

from app.core import tasks
from app.core.queue import get_queue, job_options, task_job
from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.money.rollups import dirty_key, dirty_prefix


async def on_orders_changed(event: orders.OrdersChanged) -> None:
    """Listener of orders' OrdersChanged (subscribed in app.wiring)."""
    if event.order_ids:
        await redis_client().sadd(dirty_key(event.organization_id), *event.order_ids)  # type: ignore[misc]  # redis-py: "awaitable or value"
        await enqueue_rollups(event.organization_id, list(event.order_ids))
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


async def enqueue_rollups(organization_id: int, order_ids: list[int] | None = None) -> None:
    """The organisation's rollup job, unless one is queued or running already (it drains the set)."""
    await get_queue().enqueue(task_job(tasks.refresh_rollups, key=f"rollups:{organization_id}",
                                       **job_options(timeout=600, retries=3))(
        organization_id=organization_id, order_ids=order_ids or []))


async def pending_rollups() -> int:
    """Cron: a rollup job for every organisation with changed orders waiting; how many."""
    redis = redis_client()
    prefix = dirty_prefix()
    found = 0
    async for key in redis.scan_iter(match=f"{prefix}*", count=500):
        name = key.decode() if isinstance(key, bytes) else str(key)
        await enqueue_rollups(int(name[len(prefix):]))
        found += 1
    return found
