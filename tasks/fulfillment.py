"""Fulfillment tasks. Thin: they call the fulfillment domain."""

from __future__ import annotations

from typing import Any


async def retry_missing_tracking(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: ask the marketplaces again for tracking numbers that have not come yet (with backoff)."""
    from app.domains.fulfillment.tracking import retry_missing_tracking as run

    sweep = await run()
    return {"checked": sweep.checked, "found": sweep.found, "waiting": sweep.waiting, "notified": sweep.notified}


async def run_order_action(ctx: dict[str, Any], *, organization_id: int, action_id: int) -> dict[str, str]:
    """Carry out a cancel or a shipment a person asked for on a marketplace order."""
    from app.core.i18n import read
    from app.core.tenancy import Actor, Tenant
    from app.domains.fulfillment.platform_actions import run_action

    # The job's record says it in words (the action keeps it as a message for the page's reader).
    return {"outcome": read(await run_action(Tenant(organization_id, Actor(None, "worker")), action_id))}


async def sweep_order_actions(ctx: dict[str, Any]) -> dict[str, int]:
    """Cron: re-enqueue marketplace actions whose job was lost; give up on long-failing ones."""
    from app.domains.fulfillment.platform_actions import sweep_pending

    return await sweep_pending()
