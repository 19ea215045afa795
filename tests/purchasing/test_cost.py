"""A variant's moving-average unit cost and the unit cost the ledger records per movement."""

from __future__ import annotations

import pytest

from app.domains.catalog.costs import moving_average, round_half_up, unit_costs
from app.domains.inventory import stock
from app.domains.inventory.errors import InvalidCost
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant


def test_rounding_is_half_up_in_whole_rupiah():
    assert [round_half_up(n, 2) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert round_half_up(10, 3) == 3 and round_half_up(20, 3) == 7
    assert moving_average(0, None, 5, 1_000) == 1_000
    assert moving_average(3, None, 5, 1_000) == 1_000  # units of unknown cost take the receipt's
    assert moving_average(10, 1_000, 5, 2_000) == 1_333  # 20,000 / 15 = 1,333.33
    assert moving_average(1, 1_000, 1, 1_001) == 1_001  # 1,000.5 rounds up


async def test_receipts_average_the_cost_and_the_ledger_records_it():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    assert (await unit_costs(tenant, [v["id"]])) == {v["id"]: None}
    await stock.receive(tenant, v["id"], loc["id"], 10, unit_cost=10_000)
    await stock.receive(tenant, v["id"], loc["id"], 5, unit_cost=13_001)
    assert (await unit_costs(tenant, [v["id"]]))[v["id"]] == 11_000  # (100,000 + 65,005) / 15 = 11,000.33
    costs = [r["unit_cost"] for r in await StockMovement.select(StockMovement.unit_cost).where(
        StockMovement.variant == v["id"]).order_by(StockMovement.id)]
    assert costs == [10_000, 13_001]


async def test_a_negative_or_fractional_cost_is_refused_and_changes_nothing():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    for bad in (-1, 1.5, True, "100"):
        with pytest.raises(InvalidCost):
            await stock.receive(tenant, v["id"], loc["id"], 1, unit_cost=bad)  # type: ignore[arg-type]
    assert await StockLevel.count().where(StockLevel.variant == v["id"]) == 0
    assert await StockMovement.count().where(StockMovement.variant == v["id"]) == 0
    assert (await unit_costs(tenant, [v["id"]]))[v["id"]] is None
