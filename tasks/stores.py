"""Store tasks: token refresh (cron) and webhook processing. Thin: they call the stores domain."""

from __future__ import annotations

from typing import Any

from app.domains.stores import webhooks
from app.domains.stores.connections import refresh_expiring_tokens


async def refresh_store_tokens(ctx: dict[str, Any]) -> dict[str, list[int]]:
    """Refresh tokens that expire within 30 minutes; stores whose refresh is refused need reconnecting."""
    return (await refresh_expiring_tokens()).as_dict()


async def process_webhook(ctx: dict[str, Any], *, event_id: int) -> dict[str, Any]:
    """Act on one stored marketplace notification (see app.domains.stores.webhooks.process)."""
    return {"event_id": event_id, "outcome": await webhooks.process(event_id)}
