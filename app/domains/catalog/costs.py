"""A variant's unit cost: the moving average of what its stock cost, in whole rupiah.

The inventory's costing (app.domains.inventory.costing) keeps it: on every receipt the average
becomes what the stock on hand is worth by its ledger (receipts at their landed cost, every
other movement at the average of its moment) divided by the units on hand, rounded half up to a
whole rupiah. Units on hand before a first known cost take the receipt's cost. Only receipts
(and a seller setting it by hand) change the average; transfers, returns, sales and corrections
move stock at the average.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.tenancy import Tenant
from app.domains.catalog.tables import Variant

MAX_UNIT_COST = 1_000_000_000_000  # Rp 1 trillion a unit: anything above is a typing error


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative whole numbers (no float anywhere)."""
    return (2 * numerator + denominator) // (2 * denominator)


async def unit_costs(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, int | None]:
    """{variant id: moving-average unit cost (None = unknown)} for these variants of this organisation."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = await tenant.scoped(Variant).select(Variant.id, Variant.unit_cost).where(Variant.id.is_in(ids))
    return {r["id"]: r["unit_cost"] for r in rows}


async def set_average(tenant: Tenant, variant_id: int, unit_cost: int | None) -> None:
    """Write the variant's moving average (the inventory's costing keeps it; no audit of its own)."""
    await tenant.scoped(Variant).update({Variant.unit_cost: unit_cost}).where(Variant.id == variant_id)


async def costs_of_lines(tenant: Tenant, lines: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each (variant id, quantity): what those units cost at today's averages, in whole rupiah
    (a bundle: its components'); None when a cost is unknown. Quantity x average is exact, so an
    order's lines add up to its cost of goods."""
    from app.domains.catalog.reads import bundle_parts

    if not lines:
        return []
    parts = await bundle_parts(tenant, [v for v, _q in lines]) or {}
    needed = {c for v, _q in lines for c, _n in parts.get(v, [])} | {v for v, _q in lines}
    averages = await unit_costs(tenant, sorted(needed))
    result: list[int | None] = []
    for variant_id, quantity in lines:
        units = parts.get(variant_id) or [(variant_id, 1)]
        costs = [averages.get(c) for c, _n in units]
        if any(cost is None for cost in costs):
            result.append(None)
        else:
            result.append(sum(int(cost or 0) * n * quantity for cost, (_c, n) in zip(costs, units, strict=True)))
    return result
