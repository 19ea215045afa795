"""Stock at cost: the ledger is the valuation.

Every movement that changes on hand carries a unit cost (a receipt its landed cost, everything
else the variant's moving average at that moment), so a variant's stock is worth the sum over its
ledger of on_hand_delta x unit_cost, counted from its latest revaluation: the rows of reference
`unit-cost:...` written when a cost is set by hand (or first becomes known while units of unknown
cost are on hand), one per location, worth on_hand_after x unit_cost each. The moving average is
that worth divided by the units on hand, rounded half up to a whole rupiah; because it is worked
out from the ledger again on every receipt, rounding never accumulates.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from piccolo.query.functions.aggregate import Max

from app.core.database import is_postgres
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.catalog import round_half_up, set_average
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.tables import StockLevel, StockMovement

REVALUE_PREFIX = "unit-cost:"


@dataclass(frozen=True, slots=True)
class Valuation:
    on_hand: int
    value: int  # whole rupiah

    @property
    def average(self) -> int | None:
        return round_half_up(self.value, self.on_hand) if self.on_hand > 0 and self.value >= 0 else None


async def valuation(tenant: Tenant, variant_id: int) -> Valuation:
    """What the variant's stock is worth by its ledger (over all locations: the average is one per
    variant, so a location's stock is worth its units x the average)."""
    movements = tenant.scoped(StockMovement)
    where = StockMovement.variant == variant_id
    last = await movements.select(Max(StockMovement.id, alias="id")).where(
        (StockMovement.variant == variant_id) & StockMovement.reference.like(REVALUE_PREFIX + "%")).first()
    units = value = 0
    after = 0
    if last and last["id"]:
        marker = await movements.select(StockMovement.reference).where(StockMovement.id == last["id"]).first()
        for row in await movements.select(StockMovement.id, StockMovement.on_hand_after, StockMovement.unit_cost).where(
                where & (StockMovement.reference == marker["reference"])):
            units += row["on_hand_after"]
            value += row["on_hand_after"] * int(row["unit_cost"] or 0)
            after = max(after, row["id"])
    sql = ("SELECT COALESCE(SUM(on_hand_delta), 0) AS units, "
           "COALESCE(SUM(on_hand_delta * COALESCE(unit_cost, 0)), 0) AS value FROM stock_movement "
           "WHERE organization = {} AND variant = {} AND id > {} AND on_hand_delta <> 0")
    totals = (await StockMovement.raw(sql, int(tenant.organization_id), int(variant_id), after))[0]
    units += int(totals["units"])
    value += int(totals["value"])
    return Valuation(units, value)


async def revalue(tenant: Tenant, variant_id: int, unit_cost: int, *, at_location: int) -> None:
    """Value the units on hand at `unit_cost` from now on (inside the caller's transaction): one
    zero-quantity ledger row per location holding stock (or one at `at_location` when none does)
    marks the new base, and the variant's average becomes `unit_cost`."""
    reference = f"{REVALUE_PREFIX}{uuid.uuid4().hex[:16]}"
    levels = await tenant.scoped(StockLevel).select(StockLevel.location, StockLevel.on_hand, StockLevel.reserved).where(
        (StockLevel.variant == variant_id) & (StockLevel.on_hand != 0)).order_by(StockLevel.location)
    rows = [(r["location"], r["on_hand"], r["reserved"]) for r in levels] or [(at_location, 0, 0)]
    await StockMovement.insert(*[StockMovement(
        organization=tenant.organization_id, variant=variant_id, location=location, kind=MovementKind.ADJUST,
        on_hand_delta=0, reserved_delta=0, on_hand_after=on_hand, reserved_after=reserved, reason=_("unit cost set"),
        reference=reference, actor=tenant.actor.user_id, unit_cost=unit_cost) for location, on_hand, reserved in rows])
    await set_average(tenant, variant_id, unit_cost)


async def before_receipt(tenant: Tenant, variant_id: int, location_id: int, average: int | None,
                         unit_cost: int) -> Valuation:
    """The stock's worth just before a receipt at `unit_cost`; first makes the ledger a clean base
    where needed: units on hand of unknown cost take the receipt's cost, and stock that went to zero
    leaves behind no rounding remainder of what it was worth."""
    query = tenant.scoped(StockLevel).select(StockLevel.on_hand).where(StockLevel.variant == variant_id).order_by(
        StockLevel.location)
    if is_postgres():  # two receipts of one variant take turns (the same lock order as reservations)
        query = query.lock_rows()
    on_hand = sum(r["on_hand"] for r in await query)
    current = await valuation(tenant, variant_id)
    if (average is None and on_hand > 0) or current.on_hand != on_hand:
        await revalue(tenant, variant_id, unit_cost if average is None else average, at_location=location_id)
        return Valuation(on_hand, on_hand * (unit_cost if average is None else average))
    if on_hand == 0 and current.value != 0:
        await revalue(tenant, variant_id, unit_cost, at_location=location_id)
        return Valuation(0, 0)
    return current


async def after_receipt(tenant: Tenant, variant_id: int, before: Valuation, quantity: int, unit_cost: int) -> int:
    """Set the moving average once `quantity` units at `unit_cost` are in; returns it."""
    units, value = before.on_hand + quantity, before.value + quantity * unit_cost
    average = round_half_up(value, units) if units > 0 and value >= 0 else unit_cost
    await set_average(tenant, variant_id, average)
    return average
