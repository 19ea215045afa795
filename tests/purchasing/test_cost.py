"""A variant's moving-average unit cost, the unit cost the ledger records per movement, and the
cost of goods an order line takes when its stock leaves."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from app.domains.audit.tables import AuditEntry
from app.domains.catalog.costs import round_half_up, unit_costs
from app.domains.inventory import stock
from app.domains.inventory.costing import valuation
from app.domains.inventory.errors import InvalidCost
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.stock import Line
from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.purchasing.costs import set_unit_cost
from tests.inventory.factories import make_location, make_tenant, make_variant


async def _costs(variant_id: int) -> list[tuple[str, int, int | None]]:
    rows = await StockMovement.select(StockMovement.kind, StockMovement.on_hand_delta, StockMovement.unit_cost).where(
        StockMovement.variant == variant_id).order_by(StockMovement.id)
    return [(r["kind"], r["on_hand_delta"], r["unit_cost"]) for r in rows]


async def _average(tenant, variant_id: int) -> int | None:
    return (await unit_costs(tenant, [variant_id]))[variant_id]


def test_rounding_is_half_up_in_whole_rupiah():
    assert [round_half_up(n, 2) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert round_half_up(10, 3) == 3 and round_half_up(20, 3) == 7


async def test_receipts_average_the_cost_and_every_movement_records_one():
    tenant = await make_tenant()
    v, a, b = await make_variant(tenant), await make_location(tenant), await make_location(tenant)
    assert await _average(tenant, v["id"]) is None
    await stock.receive(tenant, v["id"], a["id"], 10, unit_cost=10_000)
    await stock.receive(tenant, v["id"], a["id"], 5, unit_cost=13_001)
    assert await _average(tenant, v["id"]) == 11_000  # (100,000 + 65,005) / 15 = 11,000.33
    await stock.transfer(tenant, v["id"], a["id"], b["id"], 3)
    await stock.adjust(tenant, v["id"], a["id"], -1, reason="rusak")
    await stock.receive(tenant, v["id"], b["id"], 1, kind=MovementKind.RETURN)
    await stock.reserve(tenant, [Line(v["id"], a["id"], 2)], reference="order:1")
    await stock.commit(tenant, [Line(v["id"], a["id"], 2)], reference="order:1")
    assert await _costs(v["id"]) == [
        ("receive", 10, 10_000), ("receive", 5, 13_001), ("transfer_out", -3, 11_000), ("transfer_in", 3, 11_000),
        ("adjust", -1, 11_000), ("return", 1, 11_000), ("reserve", 0, None), ("commit", -2, 11_000)]
    worth = await valuation(tenant, v["id"])
    assert (worth.on_hand, worth.value) == (13, 165_005 - 11_000 - 2 * 11_000 + 11_000)
    # the average comes from the ledger's worth again, so the 1,000.33 remainders never pile up
    await stock.receive(tenant, v["id"], a["id"], 2, unit_cost=11_000)
    assert await _average(tenant, v["id"]) == round_half_up(worth.value + 22_000, 15)


async def test_a_cost_set_by_hand_revalues_the_stock_and_is_audited():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 4)  # cost unknown
    assert (await valuation(tenant, v["id"])).value == 0
    await set_unit_cost(tenant, v["id"], 5_000)
    assert await _average(tenant, v["id"]) == 5_000
    assert (await valuation(tenant, v["id"])) .value == 20_000
    await stock.receive(tenant, v["id"], loc["id"], 4, unit_cost=6_001)
    assert await _average(tenant, v["id"]) == 5_501  # (20,000 + 24,004) / 8 = 5,500.5
    entry = await AuditEntry.select().where((AuditEntry.action == "variant.unit_cost")
                                            & (AuditEntry.entity_id == v["id"])).first()
    assert entry["after"] and "5000" in str(entry["after"])
    with pytest.raises(InvalidCost):
        await set_unit_cost(tenant, v["id"], -1)
    assert await _average(tenant, v["id"]) == 5_501


async def test_units_of_unknown_cost_take_the_first_receipts_cost():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 3)
    await stock.receive(tenant, v["id"], loc["id"], 1, unit_cost=2_000)
    assert await _average(tenant, v["id"]) == 2_000
    assert (await valuation(tenant, v["id"])).value == 8_000


async def test_a_negative_or_fractional_cost_is_refused_and_changes_nothing():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    for bad in (-1, 1.5, True, "100"):
        with pytest.raises(InvalidCost):
            await stock.receive(tenant, v["id"], loc["id"], 1, unit_cost=bad)  # type: ignore[arg-type]
    assert await StockLevel.count().where(StockLevel.variant == v["id"]) == 0
    assert await StockMovement.count().where(StockMovement.variant == v["id"]) == 0
    assert await _average(tenant, v["id"]) is None
    with pytest.raises(ValidationFailed):
        await set_unit_cost(tenant, v["id"], 10**13)
