"""Property-based: across any sequence of receipts (at landed costs), transfers and returns, the
stock's valuation equals the sum of its layers (what came in at its cost, less what left at the
average of its moment) and the moving average is that worth over the units, rounded half up."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domains.catalog.costs import round_half_up, unit_costs
from app.domains.inventory import stock
from app.domains.inventory.costing import valuation
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "receive", "transfer", "return", "sell"]),
        st.integers(min_value=1, max_value=9),  # units
        st.integers(min_value=0, max_value=99_999),  # landed unit cost of a receipt
        st.integers(min_value=0, max_value=1),  # which location
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(operations=OPERATIONS)
async def test_valuation_equals_the_sum_of_layers(operations):
    tenant = await make_tenant()
    v = await make_variant(tenant)
    locs = [(await make_location(tenant))["id"], (await make_location(tenant))["id"]]
    layers: list[tuple[int, int]] = []  # (units, unit cost) of what came in, minus what left, as we see it
    on_hand = {loc: 0 for loc in locs}
    average: int | None = None

    for kind, units, cost, which in operations:
        loc, other = locs[which], locs[1 - which]
        if kind == "receive":
            await stock.receive(tenant, v["id"], loc, units, unit_cost=cost)
            if not sum(on_hand.values()):  # nothing on hand: the remainder of past roundings is let go
                layers.clear()
            elif average is None:  # units of unknown cost (returns before any receipt) take this cost
                layers = [(sum(on_hand.values()), cost)]
            layers.append((units, cost))
            on_hand[loc] += units
            worth = sum(n * c for n, c in layers)
            average = round_half_up(worth, sum(on_hand.values()))
        elif kind == "transfer":
            try:
                await stock.transfer(tenant, v["id"], loc, other, units)
            except InsufficientStock:
                assert on_hand[loc] < units
                continue
            on_hand[loc] -= units
            on_hand[other] += units
        elif kind == "return":  # a return comes back at the average of its moment
            await stock.receive(tenant, v["id"], loc, units, kind=MovementKind.RETURN)
            layers.append((units, average or 0))
            on_hand[loc] += units
        else:  # a sale: its units leave at the average
            try:
                await stock.adjust(tenant, v["id"], loc, -units, reason="sold at the counter")
            except InsufficientStock:
                assert on_hand[loc] < units
                continue
            layers.append((-units, average or 0))
            on_hand[loc] -= units

        worth = await valuation(tenant, v["id"])
        assert worth.on_hand == sum(on_hand.values())
        assert worth.value == sum(n * c for n, c in layers), "valuation equals the sum of layers"
        assert (await unit_costs(tenant, [v["id"]]))[v["id"]] == average

    for loc in locs:  # on hand still equals the ledger
        level = await StockLevel.select(StockLevel.on_hand).where(
            (StockLevel.variant == v["id"]) & (StockLevel.location == loc)).first()
        moves = await StockMovement.select(StockMovement.on_hand_delta).where(
            (StockMovement.variant == v["id"]) & (StockMovement.location == loc))
        assert (level["on_hand"] if level else 0) == sum(m["on_hand_delta"] for m in moves) == on_hand[loc]
