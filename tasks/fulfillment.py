"""Fulfillment tasks. Thin: they call the fulfillment domain."""

from __future__ import annotations

from typing import Any


async def retry_missing_tracking(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: ask the marketplaces again for tracking numbers that have not come yet (with backoff)."""
    from app.domains.fulfillment.tracking import retry_missing_tracking as run

    sweep = await run()
    return {"checked": sweep.checked, "found": sweep.found, "waiting": sweep.waiting, "notified": sweep.notified}
