"""ingest_page: a page of marketplace orders in one transaction — new, repeated, updated and
oversold orders together give what ingesting them one by one gives, once."""

from __future__ import annotations

import asyncio

from app.core import events
from app.core.i18n import read
from app.domains.inventory import signals
from app.domains.inventory.tables import StockMovement
from app.domains.notifications.tables import Notification
from app.domains.orders.ingest import ingest, ingest_page
from app.domains.orders.statuses import OrderState
from app.domains.orders.tables import Order, OrderEvent, OrderLine
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant
from tests.orders.test_ingest import _level, _setup, make_store, platform_order


async def _orders(store_id: int) -> dict[str, dict]:
    rows = await Order.select(Order.id, Order.platform_order_id, Order.state, Order.stock_state, Order.oversold,
                              Order.has_unmapped_lines).where(Order.store == store_id)
    return {r["platform_order_id"]: r for r in rows}


async def test_a_page_of_new_repeated_and_oversold_orders_reserves_in_page_order_and_replays_change_nothing():
    tenant, variant, _loc = await _setup(3)
    store = await make_store(tenant)
    sku = variant["sku"]
    page = [
        platform_order("P-1", OrderStatus.TO_SHIP, sku, 2),
        platform_order("P-2", OrderStatus.UNPAID, sku, 5),  # no stock effect yet
        platform_order("P-3", OrderStatus.TO_SHIP, sku, 2),  # 1 left: oversold
        platform_order("P-1", OrderStatus.TO_SHIP, sku, 2),  # the same order twice in one page
        platform_order("P-4", OrderStatus.TO_SHIP, "NO-SUCH-SKU", 1),  # unmapped line
        platform_order("P-5", OrderStatus.TO_SHIP, sku, 1),  # takes the last unit
        platform_order("P-6", OrderStatus.SHIPPED, sku, 1),  # none left to ship from: oversold
    ]
    results = await ingest_page(tenant, store, page)
    assert [(r.created, r.oversold) for r in results] == [
        (True, False), (True, False), (True, True), (False, False), (True, False), (True, False), (True, True)]
    assert results[0].order_id == results[3].order_id
    assert await _level(variant["id"]) == (3, 3)
    orders = await _orders(store["id"])
    assert len(orders) == 6
    assert {n: (o["stock_state"], o["oversold"]) for n, o in orders.items()} == {
        "P-1": ("reserved", False), "P-2": ("none", False), "P-3": ("none", True), "P-4": ("none", False),
        "P-5": ("reserved", False), "P-6": ("none", True)}
    assert orders["P-4"]["has_unmapped_lines"] and not orders["P-1"]["has_unmapped_lines"]
    assert await OrderLine.count().where(OrderLine.order.is_in([o["id"] for o in orders.values()])) == 6
    p3_events = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind).where(
        OrderEvent.order == orders["P-3"]["id"]).order_by(OrderEvent.id)]
    assert p3_events == ["status", "oversold"]
    notes = await Notification.select(Notification.kind, Notification.message).where(
        Notification.organization == tenant.organization_id).order_by(Notification.id)
    assert [n["kind"] for n in notes] == ["new_order", "oversold"]  # one of each for the page
    assert "6 new orders" in read(notes[0]["message"]) and "2 orders" in read(notes[1]["message"])

    # The same page twice more, and once order by order: nothing changes, nothing is said again.
    ledger = await StockMovement.count().where(StockMovement.variant == variant["id"])
    for _ in range(2):
        again = await ingest_page(tenant, store, page)
        assert not any(r.created or r.changed for r in again)
        assert [r.order_id for r in again] == [r.order_id for r in results]
    for order in page:
        assert not (await ingest(tenant, store, order)).created
    assert await _orders(store["id"]) == orders
    assert await _level(variant["id"]) == (3, 3)
    assert await StockMovement.count().where(StockMovement.variant == variant["id"]) == ledger
    assert await Notification.count().where(Notification.organization == tenant.organization_id) == 2


async def test_a_page_mixing_updates_and_new_orders_moves_each_on():
    tenant, variant, _loc = await _setup(5)
    store = await make_store(tenant)
    sku = variant["sku"]
    await ingest(tenant, store, platform_order("U-1", OrderStatus.TO_SHIP, sku, 2))
    results = await ingest_page(tenant, store, [
        platform_order("U-1", OrderStatus.CANCELLED, sku, 2, minutes=5),  # releases its 2
        platform_order("U-2", OrderStatus.TO_SHIP, sku, 4),  # fits only because U-1 went first
        platform_order("U-1", OrderStatus.TO_SHIP, sku, 2, minutes=1),  # older than what we have: ignored
    ])
    assert [(r.created, r.changed, r.state, r.oversold) for r in results] == [
        (False, True, OrderState.CANCELLED, False), (True, True, OrderState.READY_TO_SHIP, False),
        (False, False, OrderState.CANCELLED, False)]
    assert await _level(variant["id"]) == (5, 4)


async def test_stock_listeners_hear_of_a_page_once_after_it_committed():
    tenant, variant, _loc = await _setup(10)
    other = await make_variant(tenant)
    store = await make_store(tenant)
    heard: list[int] = []

    async def listener(event: signals.AvailableChanged) -> None:
        if event.organization_id == tenant.organization_id:
            heard.append(await StockMovement.count().where(
                (StockMovement.variant == variant["id"]) & (StockMovement.kind == "reserve")))

    events.subscribe(signals.AvailableChanged, listener)
    try:
        await ingest_page(tenant, store, [platform_order(f"S-{i}", OrderStatus.TO_SHIP, variant["sku"], 1)
                                          for i in range(5)] + [platform_order("S-9", OrderStatus.TO_SHIP,
                                                                               other["sku"], 1)])
    finally:
        events.unsubscribe(signals.AvailableChanged, listener)
    assert heard == [5]  # once, and the five reservations were visible (committed) by then


async def test_two_pages_with_the_same_new_orders_at_once_make_each_order_once():
    tenant, variant, _loc = await _setup(20)
    store = await make_store(tenant)
    page = [platform_order(f"C-{i}", OrderStatus.TO_SHIP, variant["sku"], 1) for i in range(8)]
    first, second = await asyncio.gather(ingest_page(tenant, store, page), ingest_page(tenant, store, page[::-1]))
    assert sum(r.created for r in first + second) == 8
    assert {r.order_id for r in first} == {r.order_id for r in second}
    assert len(await _orders(store["id"])) == 8
    assert await _level(variant["id"]) == (20, 8)


async def test_pages_reserving_the_same_variants_in_opposite_orders_both_land():
    """On PostgreSQL two such pages can deadlock (each holds its first row's lock until commit);
    the one PostgreSQL undoes is taken again order by order."""
    tenant, a, _loc = await _setup(50)
    b = await make_variant(tenant)
    await _setup_more(tenant, b, 50)
    store = await make_store(tenant)
    one = [platform_order(f"D-{i}", OrderStatus.TO_SHIP, (a if i % 2 else b)["sku"], 1) for i in range(10)]
    two = [platform_order(f"E-{i}", OrderStatus.TO_SHIP, (b if i % 2 else a)["sku"], 1) for i in range(10)]
    for _ in range(3):
        await asyncio.gather(ingest_page(tenant, store, one), ingest_page(tenant, store, two))
    orders = await _orders(store["id"])
    assert len(orders) == 20 and all(o["stock_state"] == "reserved" for o in orders.values())
    assert await _level(a["id"]) == (50, 10) and await _level(b["id"]) == (50, 10)


async def _setup_more(tenant, variant, units: int) -> None:
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location

    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], units)


async def test_a_page_undone_by_a_deadlock_is_taken_again_order_by_order(monkeypatch):
    from asyncpg.exceptions import DeadlockDetectedError

    from app.domains.orders import ingest as module

    tenant, variant, _loc = await _setup(5)
    store = await make_store(tenant)
    real = module._ingest_distinct

    async def deadlocks_on_pages(tenant, store, orders):
        if len(orders) > 1:
            await real(tenant, store, orders)  # does the work, then the transaction is undone
            raise DeadlockDetectedError("deadlock detected")
        return await real(tenant, store, orders)

    monkeypatch.setattr(module, "_ingest_distinct", deadlocks_on_pages)
    results = await ingest_page(tenant, store, [platform_order(f"F-{i}", OrderStatus.TO_SHIP, variant["sku"], 2)
                                                for i in range(3)])
    assert [(r.created, r.oversold) for r in results] == [(True, False), (True, False), (True, True)]
    assert await _level(variant["id"]) == (5, 4)
    assert len(await _orders(store["id"])) == 3
