"""The stock service: each operation, its ledger row, and its refusals."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationFailed
from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock, InvalidQuantity, NotFound
from app.domains.inventory.stock import Line
from app.domains.inventory.tables import StockChange, StockLevel, StockMovement
from tests.inventory.factories import make_location, make_tenant, make_variant


async def ledger_sum(variant_id: int, location_id: int) -> int:
    rows = await StockMovement.select(StockMovement.on_hand_delta).where(
        (StockMovement.variant == variant_id) & (StockMovement.location == location_id))
    return sum(r["on_hand_delta"] for r in rows)


async def test_receive_reserve_commit_release_follow_the_rules():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    level = await stock.receive(tenant, v["id"], loc["id"], 10, reason="initial")
    assert (level.on_hand, level.reserved, level.available) == (10, 0, 10)
    [level] = await stock.reserve(tenant, [Line(v["id"], loc["id"], 4)], reference="ORDER-1")
    assert (level.on_hand, level.reserved, level.available) == (10, 4, 6)
    [level] = await stock.commit(tenant, [Line(v["id"], loc["id"], 3)], reference="ORDER-1")
    assert (level.on_hand, level.reserved) == (7, 1)
    [level] = await stock.release(tenant, [Line(v["id"], loc["id"], 1)], reference="ORDER-1")
    assert (level.on_hand, level.reserved) == (7, 0)
    assert await ledger_sum(v["id"], loc["id"]) == 7
    kinds = [r["kind"] for r in await StockMovement.select(StockMovement.kind).where(
        StockMovement.variant == v["id"]).order_by(StockMovement.id)]
    assert kinds == ["receive", "reserve", "commit", "release"]
    assert await StockChange.count().where(StockChange.variant == v["id"]) == 4


async def test_refusals_change_nothing():
    tenant = await make_tenant()
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 2)
    moves = await StockMovement.count().where(StockMovement.variant == v["id"])
    with pytest.raises(InsufficientStock):
        await stock.reserve(tenant, [Line(v["id"], loc["id"], 3)], reference="O")
    with pytest.raises(InsufficientStock):
        await stock.release(tenant, [Line(v["id"], loc["id"], 1)], reference="O")
    with pytest.raises(InsufficientStock):
        await stock.commit(tenant, [Line(v["id"], loc["id"], 1)], reference="O")
    with pytest.raises(InsufficientStock):
        await stock.adjust(tenant, v["id"], loc["id"], -3, reason="broken")
    for bad in (0, -1, 10_000_001):
        with pytest.raises(InvalidQuantity):
            await stock.receive(tenant, v["id"], loc["id"], bad)
    with pytest.raises(ValidationFailed):
        await stock.adjust(tenant, v["id"], loc["id"], 2, reason="  ")
    level = await StockLevel.select().where(StockLevel.variant == v["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (2, 0)
    assert await StockMovement.count().where(StockMovement.variant == v["id"]) == moves


async def test_a_multi_line_reservation_is_all_or_nothing():
    tenant = await make_tenant()
    a, b, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, a["id"], loc["id"], 5)
    await stock.receive(tenant, b["id"], loc["id"], 1)
    with pytest.raises(InsufficientStock):
        await stock.reserve(tenant, [Line(a["id"], loc["id"], 2), Line(b["id"], loc["id"], 2)], reference="O-2")
    rows = await StockLevel.select(StockLevel.variant, StockLevel.reserved).where(
        StockLevel.variant.is_in([a["id"], b["id"]]))
    assert all(r["reserved"] == 0 for r in rows)
    assert await StockMovement.count().where(StockMovement.kind == "reserve") >= 0
    assert await StockMovement.count().where(StockMovement.reference == "O-2") == 0


async def test_transfer_and_count():
    tenant = await make_tenant()
    v, here, there = await make_variant(tenant), await make_location(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], here["id"], 8)
    out, into = await stock.transfer(tenant, v["id"], here["id"], there["id"], 3)
    assert (out.on_hand, into.on_hand) == (5, 3)
    with pytest.raises(InsufficientStock):
        await stock.transfer(tenant, v["id"], here["id"], there["id"], 6)
    counted = await stock.count(tenant, v["id"], there["id"], 1, reference="OPNAME-1")
    assert counted.on_hand == 1
    assert await ledger_sum(v["id"], there["id"]) == 1
    assert await ledger_sum(v["id"], here["id"]) == 5
    await stock.reserve(tenant, [Line(v["id"], here["id"], 4)], reference="O")
    with pytest.raises(InsufficientStock):
        await stock.count(tenant, v["id"], here["id"], 3, reference="OPNAME-2")  # below reserved


async def test_another_tenants_variant_or_location_is_not_found():
    mine, theirs = await make_tenant(), await make_tenant()
    v, loc = await make_variant(theirs), await make_location(theirs)
    my_loc = await make_location(mine)
    with pytest.raises(NotFound):
        await stock.receive(mine, v["id"], my_loc["id"], 1)
    my_v = await make_variant(mine)
    with pytest.raises(NotFound):
        await stock.receive(mine, my_v["id"], loc["id"], 1)


async def test_bundle_reserves_its_components():
    from app.domains.catalog.tables import BundleComponent, Variant

    tenant = await make_tenant()
    shirt, cap, loc = await make_variant(tenant), await make_variant(tenant), await make_location(tenant)
    bundle = await make_variant(tenant, name="Paket Hemat")
    await Variant.update({Variant.is_bundle: True}).where(Variant.id == bundle["id"])
    await BundleComponent.insert(
        BundleComponent(organization=tenant.organization_id, bundle=bundle["id"], component=shirt["id"], quantity=2),
        BundleComponent(organization=tenant.organization_id, bundle=bundle["id"], component=cap["id"], quantity=1))
    await stock.receive(tenant, shirt["id"], loc["id"], 5)
    await stock.receive(tenant, cap["id"], loc["id"], 10)
    assert await stock.available(tenant, bundle["id"]) == 2  # 5 shirts // 2
    await stock.reserve(tenant, [Line(bundle["id"], loc["id"], 2)], reference="B-1")
    assert await stock.available(tenant, shirt["id"]) == 1
    assert await stock.available(tenant, cap["id"]) == 8
    assert await stock.available(tenant, bundle["id"]) == 0
    with pytest.raises(InsufficientStock):
        await stock.reserve(tenant, [Line(bundle["id"], loc["id"], 1)], reference="B-2")
