"""A variant's unit cost: the moving average of what its stock cost, in whole rupiah.

Rounding (documented in the README): on every receipt the average becomes
(units on hand before x average before + units received x their landed unit cost)
/ (units on hand before + units received), rounded half up to a whole rupiah. Units on hand
before a first known cost (an unknown average) take the receipt's cost. Only receipts (and a
seller setting it by hand) change the average; transfers, returns, sales and corrections move
stock at the average.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.tenancy import Tenant
from app.domains.catalog.tables import Variant

MAX_UNIT_COST = 1_000_000_000_000  # Rp 1 trillion a unit: anything above is a typing error


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative whole numbers (no float anywhere)."""
    return (2 * numerator + denominator) // (2 * denominator)


def moving_average(on_hand_before: int, average_before: int | None, quantity: int, unit_cost: int) -> int:
    """The average unit cost after receiving `quantity` units at `unit_cost` (see the module's rule)."""
    before = max(on_hand_before, 0)
    if average_before is None or before == 0:
        return unit_cost
    return round_half_up(before * average_before + quantity * unit_cost, before + quantity)


async def unit_costs(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, int | None]:
    """{variant id: moving-average unit cost (None = unknown)} for these variants of this organisation."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = await tenant.scoped(Variant).select(Variant.id, Variant.unit_cost).where(Variant.id.is_in(ids))
    return {r["id"]: r["unit_cost"] for r in rows}


async def average_in(tenant: Tenant, variant_id: int, *, on_hand_before: int, quantity: int, unit_cost: int) -> int:
    """Fold a receipt into the variant's moving average (inside the receiving transaction); returns it."""
    current = await tenant.scoped(Variant).select(Variant.unit_cost).where(Variant.id == variant_id).first()
    average = moving_average(on_hand_before, current["unit_cost"] if current else None, quantity, unit_cost)
    await tenant.scoped(Variant).update({Variant.unit_cost: average}).where(Variant.id == variant_id)
    return average
