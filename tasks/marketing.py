"""Marketing's scheduled work: thin, it calls the domain's services."""

from __future__ import annotations

from app.core.queue import WorkerContext
from app.domains.marketing import release_cancelled, settle_points


async def marketing_upkeep(ctx: WorkerContext) -> dict[str, int]:
    """Cron: cancelled orders give their voucher uses back; points are earned, taken back, given
    back and expired (loyalty.settle)."""
    return {"vouchers_released": await release_cancelled(), **await settle_points()}
