"""The last units go to exactly as many buyers as there are units, on either engine."""

from __future__ import annotations

import asyncio

from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.stock import Line
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant


async def test_200_buyers_racing_for_50_units_leave_exactly_50_reservations():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 50)

    async def buy(n: int) -> str:
        try:
            await stock.reserve(tenant, [Line(v["id"], loc["id"], 1)], reference=f"RACE-{n}")
            return "won"
        except InsufficientStock:
            return "insufficient"

    outcomes = await asyncio.gather(*(buy(n) for n in range(200)))
    assert outcomes.count("won") == 50
    assert outcomes.count("insufficient") == 150
    level = await StockLevel.select().where(StockLevel.variant == v["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (50, 50)
    reservations = await StockMovement.select(StockMovement.reserved_delta).where(
        (StockMovement.variant == v["id"]) & (StockMovement.kind == "reserve"))
    assert len(reservations) == 50 and sum(r["reserved_delta"] for r in reservations) == 50


async def test_concurrent_receipts_and_adjustments_all_land_in_the_ledger():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    await asyncio.gather(*(stock.receive(tenant, v["id"], loc["id"], 2) for _ in range(40)))
    level = await StockLevel.select().where(StockLevel.variant == v["id"]).first()
    ledger = await StockMovement.select(StockMovement.on_hand_delta).where(StockMovement.variant == v["id"])
    assert level["on_hand"] == 80 == sum(r["on_hand_delta"] for r in ledger)
