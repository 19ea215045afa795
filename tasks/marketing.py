"""Marketing's scheduled work: thin, it calls the domain's services."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress
from app.core.tenancy import Tenant
from app.domains.marketing import release_cancelled, remind_abandoned_carts, settle_points


async def marketing_upkeep(ctx: WorkerContext) -> dict[str, int]:
    """Cron: cancelled orders give their voucher uses back; points are earned, taken back, given
    back and expired (loyalty.settle); carts left with a known contact get their reminder."""
    return {"vouchers_released": await release_cancelled(), **await settle_points(),
            "cart_reminders": await remind_abandoned_carts()}


@implements(contracts.send_campaign)
async def send_campaign(ctx: WorkerContext, *, organization_id: int, background_job_id: int,
                        campaign_id: int) -> dict[str, int]:
    """Queue one campaign's e-mails (the outbox sends them), reporting progress."""
    from app.domains.marketing.campaigns import send_campaign as send

    async def progress(done: int, total: int) -> None:
        await report_progress(ctx, done, total, current=f"{done} / {total}")

    return await send(Tenant(organization_id), campaign_id, progress)
