"""Store tasks: token refresh (cron) and webhook processing. Thin: they call the stores domain."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements
from app.domains.stores import webhook_retry, webhooks
from app.domains.stores.connections import refresh_expiring_tokens


async def refresh_store_tokens(ctx: WorkerContext) -> dict[str, list[int]]:
    """Refresh tokens that expire within 30 minutes; stores whose refresh is refused need reconnecting."""
    return (await refresh_expiring_tokens()).as_dict()


@implements(contracts.process_webhook)
async def process_webhook(ctx: WorkerContext, *, event_id: int) -> dict[str, Any]:
    """Act on one stored marketplace notification (see app.domains.stores.webhooks.process); a
    failed attempt is counted on the event, whose retry the sweep schedules once the job gives up."""
    try:
        outcome = await webhooks.process(event_id)
    except (Exception, asyncio.CancelledError) as exc:  # a timed-out attempt counts too
        await asyncio.shield(webhook_retry.record_failure(event_id, exc))
        raise
    return {"event_id": event_id, "outcome": outcome}


async def sweep_webhook_events(ctx: WorkerContext) -> dict[str, int]:
    """Cron: process again the events whose retry is due, and those whose job was never enqueued."""
    return {"enqueued": await webhook_retry.sweep()}
