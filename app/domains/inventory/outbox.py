"""The StockChange outbox, as the sync engine reads it: what changed since its last run."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains.inventory.tables import StockChange


@dataclass(frozen=True, slots=True)
class PendingChange:
    """An unconsumed outbox row: the available stock of `variant` changed."""

    id: int
    variant: int


async def pending_changes(tenant: Tenant, *, limit: int = 20_000) -> list[PendingChange]:
    """The unconsumed change rows, oldest first."""
    return from_rows(PendingChange, await tenant.scoped(StockChange).select(StockChange.id, StockChange.variant).where(
        StockChange.consumed_at.is_null()).order_by(StockChange.id).limit(limit))


async def consume_changes(tenant: Tenant, ids: list[int], *, watermark: int) -> None:
    """Mark exactly these rows consumed (none above the watermark)."""
    await tenant.scoped(StockChange).update({StockChange.consumed_at: utcnow()}).where(
        StockChange.consumed_at.is_null() & (StockChange.id <= watermark) & StockChange.id.is_in(ids))


async def organisations_with_pending_changes() -> list[int]:
    rows = await StockChange.select(StockChange.organization).distinct().where(StockChange.consumed_at.is_null())
    return [r["organization"] for r in rows]
