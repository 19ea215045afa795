"""Website tasks: thin calls into the website domain."""

from __future__ import annotations

from app.core.queue import WorkerContext
from app.domains.website.lifecycle import expire_due


async def expire_unpaid_orders(ctx: WorkerContext) -> dict[str, int]:
    """Cron: cancel unpaid website orders past their payment deadline, releasing their stock."""
    return {"cancelled": await expire_due()}
