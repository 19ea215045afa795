"""What the money reports read of stock: units on hand per variant and location, and when each
variant last came in (for the stock-age report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.core.tenancy import Tenant
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.tables import StockLevel, StockMovement


@dataclass(frozen=True, slots=True)
class Holding:
    variant_id: int
    location_id: int
    on_hand: int


async def stock_holdings(tenant: Tenant) -> list[Holding]:
    """Every (variant, location) of the organisation with units on hand."""
    rows = await tenant.scoped(StockLevel).select(StockLevel.variant, StockLevel.location, StockLevel.on_hand).where(
        StockLevel.on_hand > 0).order_by(StockLevel.location).order_by(StockLevel.variant)
    return [Holding(r["variant"], r["location"], r["on_hand"]) for r in rows]


async def last_received(tenant: Tenant, variant_ids: list[int]) -> dict[int, datetime]:
    """{variant id: when units of it last came in (receipt, transfer in, return)}."""
    if not variant_ids:
        return {}
    rows = await StockMovement.raw(
        "SELECT variant, MAX(created_at) AS at FROM stock_movement WHERE organization = {} AND on_hand_delta > 0 "
        "AND kind IN ({}, {}, {}) GROUP BY variant", tenant.organization_id, MovementKind.RECEIVE.value,
        MovementKind.TRANSFER_IN.value, MovementKind.RETURN.value)
    wanted = set(variant_ids)
    found = {}
    for r in rows:
        if r["variant"] in wanted and r["at"] is not None:
            at = r["at"] if isinstance(r["at"], datetime) else datetime.fromisoformat(str(r["at"]))
            found[r["variant"]] = at if at.tzinfo else at.replace(tzinfo=UTC)
    return found
