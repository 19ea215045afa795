"""How fast stock leaves: units shipped per variant over a period, read from the ledger."""

from __future__ import annotations

from datetime import datetime

from piccolo.query.functions.aggregate import Sum

from app.core.tenancy import Tenant
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.tables import StockMovement


async def units_shipped(tenant: Tenant, since: datetime, variant_ids: list[int] | None = None) -> dict[int, int]:
    """{variant id: units that left on hand by shipping (committed) since `since`}."""
    query = tenant.scoped(StockMovement).select(
        StockMovement.variant, Sum(StockMovement.on_hand_delta, alias="delta")).where(
        (StockMovement.kind == MovementKind.COMMIT) & (StockMovement.created_at >= since)).group_by(
        StockMovement.variant)
    if variant_ids is not None:
        if not variant_ids:
            return {}
        query = query.where(StockMovement.variant.is_in(variant_ids))
    return {r["variant"]: -int(r["delta"] or 0) for r in await query if r["delta"]}
