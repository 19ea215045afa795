"""Money tasks: a store's settlements, the rollups of changed orders, and the schedules. Thin:
they call the money domain."""

from __future__ import annotations

from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements
from app.core.tenancy import Actor, Tenant


@implements(contracts.settle_store)
async def settle_store(ctx: WorkerContext, *, organization_id: int, store_id: int,
                       order_ids: list[int] | None = None) -> dict[str, Any]:
    from app.domains.money.settlements import settle_store as run

    report = await run(Tenant(organization_id, Actor(None, "worker")), store_id, order_ids=order_ids or [])
    return {"asked": report.asked, "recorded": report.recorded, "unchanged": report.unchanged,
            "unmatched": report.unmatched, "refused": len(report.refused)}


@implements(contracts.refresh_rollups)
async def refresh_rollups(ctx: WorkerContext, *, organization_id: int, order_ids: list[int]) -> dict[str, Any]:
    from app.domains.money.rollups import refresh_pending

    return {"rows": await refresh_pending(organization_id, order_ids)}


async def sweep_rollups(ctx: WorkerContext) -> dict[str, int]:
    """Cron (every minute): a rollup job for each organisation whose changed orders still wait."""
    from app.domains.money.dispatch import pending_rollups

    return {"enqueued": await pending_rollups()}


async def schedule_settlements(ctx: WorkerContext) -> dict[str, int]:
    """Cron (hourly): a settlement job for every active store (keyed per store and hour)."""
    import time

    from app.domains.money.dispatch import enqueue_settlement
    from app.domains.stores.services import active_stores_all_organisations

    hour = int(time.time() // 3600)
    stores = await active_stores_all_organisations()
    for organization_id, store_id in stores:
        await enqueue_settlement(organization_id, store_id, key=f"settle:{store_id}:{hour}")
    return {"enqueued": len(stores)}


async def send_weekly_summaries(ctx: WorkerContext) -> dict[str, int]:
    """Cron (Monday morning): the weekly summary e-mail to each organisation's owners."""
    from app.domains.money.summary import send_weekly_summaries as run

    return {"sent": await run()}
