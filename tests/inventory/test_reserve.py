"""stock.reserve as one statement (PostgreSQL) or a few in one transaction (SQLite): the same
answers, errors and ledger on both engines."""

from __future__ import annotations

import asyncio

import pytest

from app.domains.catalog.tables import BundleComponent, Variant
from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock, NotFound
from app.domains.inventory.stock import Line
from app.domains.inventory.tables import StockChange, StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant


async def _levels(variant_ids) -> dict[int, tuple[int, int]]:
    rows = await StockLevel.select(StockLevel.variant, StockLevel.on_hand, StockLevel.reserved).where(
        StockLevel.variant.is_in(list(variant_ids)))
    return {r["variant"]: (r["on_hand"], r["reserved"]) for r in rows}


async def test_lines_of_one_variant_are_reserved_together_with_one_ledger_row_each_and_an_outbox_row():
    tenant = await make_tenant()
    a, b, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, a["id"], loc["id"], 10)
    await stock.receive(tenant, b["id"], loc["id"], 10)
    levels = await stock.reserve(tenant, [Line(b["id"], loc["id"], 1), Line(a["id"], loc["id"], 2),
                                          Line(a["id"], loc["id"], 3)], reference="ORDER-7")
    assert [(lv.variant_id, lv.on_hand, lv.reserved) for lv in levels] == sorted(
        [(a["id"], 10, 5), (b["id"], 10, 1)])
    ledger = await StockMovement.select(StockMovement.variant, StockMovement.reserved_delta,
                                        StockMovement.reserved_after, StockMovement.reference,
                                        StockMovement.actor).where(StockMovement.kind == "reserve").where(
        StockMovement.variant.is_in([a["id"], b["id"]]))
    assert sorted((r["variant"], r["reserved_delta"], r["reserved_after"]) for r in ledger) == sorted(
        [(a["id"], 5, 5), (b["id"], 1, 1)])
    assert {r["reference"] for r in ledger} == {"ORDER-7"}
    assert {r["actor"] for r in ledger} == {tenant.actor.user_id}
    outbox = await StockChange.count().where(StockChange.variant.is_in([a["id"], b["id"]]))
    assert outbox == 4  # two receipts, two reserved rows


async def test_one_short_line_reserves_nothing_and_names_the_short_variant():
    tenant = await make_tenant()
    a, b, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, a["id"], loc["id"], 10)
    await stock.receive(tenant, b["id"], loc["id"], 1)
    with pytest.raises(InsufficientStock) as caught:
        await stock.reserve(tenant, [Line(a["id"], loc["id"], 2), Line(b["id"], loc["id"], 2)], reference="O-1")
    assert caught.value.sku == b["id"] and caught.value.wanted == 2
    assert await _levels([a["id"], b["id"]]) == {a["id"]: (10, 0), b["id"]: (1, 0)}
    assert await StockMovement.count().where((StockMovement.kind == "reserve")
                                             & StockMovement.variant.is_in([a["id"], b["id"]])) == 0


async def test_a_variant_never_stocked_at_the_location_is_insufficient_and_creates_no_row():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    with pytest.raises(InsufficientStock):
        await stock.reserve(tenant, [Line(v["id"], loc["id"], 1)], reference="O-2")
    assert await _levels([v["id"]]) == {}


async def test_another_tenants_variant_or_location_or_a_bad_id_is_not_found_and_changes_nothing():
    mine, theirs = await make_tenant(), await make_tenant()
    their_v, their_loc = await make_variant(theirs), await make_location(theirs)
    await stock.receive(theirs, their_v["id"], their_loc["id"], 5)
    my_v, my_loc = await make_variant(mine), await make_location(mine)
    await stock.receive(mine, my_v["id"], my_loc["id"], 5)
    for line in (Line(their_v["id"], my_loc["id"], 1), Line(my_v["id"], their_loc["id"], 1),
                 Line(their_v["id"], their_loc["id"], 1), Line("x", my_loc["id"], 1)):  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            await stock.reserve(mine, [Line(my_v["id"], my_loc["id"], 1), line], reference="O-3")
    assert await _levels([my_v["id"], their_v["id"]]) == {my_v["id"]: (5, 0), their_v["id"]: (5, 0)}


async def test_a_bundle_and_its_component_on_one_order_add_up_per_component():
    tenant = await make_tenant()
    shirt, cap, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    bundle = await make_variant(tenant, name="Paket Hemat")
    await Variant.update({Variant.is_bundle: True}).where(Variant.id == bundle["id"])
    await BundleComponent.insert(
        BundleComponent(organization=tenant.organization_id, bundle=bundle["id"], component=shirt["id"], quantity=2),
        BundleComponent(organization=tenant.organization_id, bundle=bundle["id"], component=cap["id"], quantity=1))
    await stock.receive(tenant, shirt["id"], loc["id"], 5)
    await stock.receive(tenant, cap["id"], loc["id"], 5)
    # 2 bundles + 1 loose shirt = 5 shirts, 2 caps
    await stock.reserve(tenant, [Line(bundle["id"], loc["id"], 2), Line(shirt["id"], loc["id"], 1)], reference="B")
    assert await _levels([shirt["id"], cap["id"]]) == {shirt["id"]: (5, 5), cap["id"]: (5, 2)}
    with pytest.raises(InsufficientStock) as caught:  # one more bundle needs 2 shirts, none left
        await stock.reserve(tenant, [Line(bundle["id"], loc["id"], 1)], reference="B-2")
    assert caught.value.sku == shirt["id"]
    assert await _levels([cap["id"]]) == {cap["id"]: (5, 2)}  # the cap was not reserved either


async def test_orders_locking_two_variants_in_opposite_orders_never_deadlock_or_oversell():
    tenant = await make_tenant()
    a, b, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, a["id"], loc["id"], 30)
    await stock.receive(tenant, b["id"], loc["id"], 30)

    async def buy(n: int) -> bool:
        lines = [Line(a["id"], loc["id"], 1), Line(b["id"], loc["id"], 1)]
        try:
            await stock.reserve(tenant, lines if n % 2 else lines[::-1], reference=f"X-{n}")
            return True
        except InsufficientStock:
            return False

    outcomes = await asyncio.gather(*(buy(n) for n in range(60)))
    assert outcomes.count(True) == 30
    assert await _levels([a["id"], b["id"]]) == {a["id"]: (30, 30), b["id"]: (30, 30)}
    ledger = await StockMovement.select(StockMovement.reserved_delta).where(
        (StockMovement.kind == "reserve") & StockMovement.variant.is_in([a["id"], b["id"]]))
    assert len(ledger) == 60 and sum(r["reserved_delta"] for r in ledger) == 60
