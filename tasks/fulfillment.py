"""Fulfillment tasks. Thin: they call the fulfillment domain."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress


async def retry_missing_tracking(ctx: WorkerContext) -> dict[str, int]:
    """Cron: ask the marketplaces again for tracking numbers that have not come yet (with backoff)."""
    from app.domains.fulfillment.tracking import retry_missing_tracking as run

    sweep = await run()
    return {"checked": sweep.checked, "found": sweep.found, "waiting": sweep.waiting, "notified": sweep.notified}


@implements(contracts.run_order_action)
async def run_order_action(ctx: WorkerContext, *, organization_id: int, action_id: int) -> dict[str, str]:
    """Carry out a cancel or a shipment a person asked for on a marketplace order."""
    from app.core.i18n import read
    from app.core.tenancy import Actor, Tenant
    from app.domains.fulfillment.platform_actions import run_action

    # The job's record says it in words (the action keeps it as a message for the page's reader).
    return {"outcome": read(await run_action(Tenant(organization_id, Actor(None, "worker")), action_id))}


async def sweep_order_actions(ctx: WorkerContext) -> dict[str, int]:
    """Cron: re-enqueue marketplace actions whose job was lost; give up on long-failing ones."""
    from app.domains.fulfillment.platform_actions import sweep_pending

    return await sweep_pending()


@implements(contracts.print_labels)
async def print_labels(ctx: WorkerContext, *, organization_id: int, background_job_id: int, order_ids: list[int],
                       size: str = "thermal") -> dict[str, int]:
    """Labels of up to 500 orders in one PDF (marketplace labels fetched, own labels drawn)."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.fulfillment.label_jobs import run
    from app.domains.fulfillment.statuses import LabelSize

    async def progress(done: int, total: int, errors: int) -> None:
        await report_progress(ctx, done, total, errors=errors)

    return await run(Tenant(organization_id, Actor(None, "worker")), background_job_id, order_ids, LabelSize(size),
                     progress)


async def remove_old_labels(ctx: WorkerContext) -> dict[str, int]:
    """Cron: delete generated labels files older than LABELS_KEEP_DAYS."""
    from app.domains.fulfillment.label_jobs import remove_old_files

    return {"removed": await remove_old_files()}
