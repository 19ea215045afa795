"""Outbound webhook tasks: one delivery attempt, and the sweep that finds retries that are due
and deliveries whose job was lost. Thin: they call the webhooks domain."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements


@implements(contracts.deliver_webhook)
async def deliver_webhook(ctx: WorkerContext, *, delivery_id: int) -> dict[str, str]:
    """POST one due delivery, signed; a failure schedules its retry (the sweep enqueues it)."""
    from app.domains.webhooks.services import deliver

    return {"outcome": await deliver(delivery_id)}


async def sweep_webhook_deliveries(ctx: WorkerContext) -> dict[str, int]:
    """Cron: a delivery job for every pending delivery that is due."""
    from app.domains.webhooks.services import sweep

    return {"due": await sweep()}
