"""Property-based: any sequence of stock operations keeps the ledger and the levels in agreement,
never goes negative and never over-sells."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.stock import Line
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "adjust", "reserve", "release", "commit", "transfer", "count", "write_off"]),
        st.integers(min_value=1, max_value=12),
        st.integers(min_value=0, max_value=1),  # which location
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(operations=OPERATIONS)
async def test_random_operation_sequences_keep_every_invariant(operations):
    tenant = await make_tenant()
    v = await make_variant(tenant)
    locs = [await make_location(tenant), await make_location(tenant)]
    model = {loc["id"]: [0, 0] for loc in locs}  # what we believe: on_hand, reserved

    for kind, qty, which in operations:
        loc = locs[which]["id"]
        other = locs[1 - which]["id"]
        on_hand, reserved = model[loc]
        try:
            if kind == "receive":
                await stock.receive(tenant, v["id"], loc, qty)
                model[loc][0] += qty
            elif kind == "adjust":
                await stock.adjust(tenant, v["id"], loc, -qty if qty % 2 else qty, reason="property")
                model[loc][0] += -qty if qty % 2 else qty
            elif kind == "reserve":
                await stock.reserve(tenant, [Line(v["id"], loc, qty)], reference="P")
                model[loc][1] += qty
            elif kind == "release":
                await stock.release(tenant, [Line(v["id"], loc, qty)], reference="P")
                model[loc][1] -= qty
            elif kind == "commit":
                await stock.commit(tenant, [Line(v["id"], loc, qty)], reference="P")
                model[loc][0] -= qty
                model[loc][1] -= qty
            elif kind == "transfer":
                await stock.transfer(tenant, v["id"], loc, other, qty)
                model[loc][0] -= qty
                model[other][0] += qty
            elif kind == "count":
                await stock.count(tenant, v["id"], loc, qty, reference="P")
                model[loc][0] = qty
            elif kind == "write_off":
                await stock.write_off(tenant, v["id"], loc, qty, reason="rusak")
                model[loc][0] -= qty
        except InsufficientStock:
            # refused: the model must agree that the operation was not allowed
            if kind in ("reserve", "write_off", "transfer"):
                assert on_hand - reserved < qty
            elif kind == "adjust":
                assert on_hand - reserved < qty
            elif kind == "release":
                assert reserved < qty
            elif kind == "commit":
                assert reserved < qty or on_hand < qty
            elif kind == "count":
                assert qty < reserved
            else:
                raise

    for loc in locs:
        level = await StockLevel.select().where(
            (StockLevel.variant == v["id"]) & (StockLevel.location == loc["id"])).first()
        on_hand, reserved = (level["on_hand"], level["reserved"]) if level else (0, 0)
        assert [on_hand, reserved] == model[loc["id"]]
        assert on_hand >= 0 and reserved >= 0 and on_hand >= reserved
        ledger = await StockMovement.select(StockMovement.on_hand_delta, StockMovement.reserved_delta).where(
            (StockMovement.variant == v["id"]) & (StockMovement.location == loc["id"]))
        assert sum(r["on_hand_delta"] for r in ledger) == on_hand
        assert sum(r["reserved_delta"] for r in ledger) == reserved
