"""Two stores sell the last unit of one SKU at the same moment: one order gets the unit, the other
is flagged oversold, and both stores are pushed 0."""

from __future__ import annotations

import asyncio

import pytest

from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.listings.tables import Listing
from app.domains.orders.fetch import fetch_store_orders, ingest_orders
from app.domains.orders.tables import Order, OrderEvent
from app.domains.sync.dispatch import push_changes
from app.domains.sync.tables import SyncLog
from tests.sync.test_order_flow import _shared_sku_setup


@pytest.mark.parametrize("how", ["webhook ingest", "scheduled fetch"])
async def test_last_unit_sold_on_both_stores_at_once(owner_client, sandbox, how):
    tenant, variant, (s_shop, shopee, sp), (t_shop, tiktok, tp) = await _shared_sku_setup(owner_client, sandbox, 1)
    s_sku, t_sku = sp.skus[0].sku_id, tp.skus[0].sku_id
    assert sandbox.listing_stock("shopee", s_shop.shop_id, sp.product_id)[s_sku] == 1
    assert sandbox.listing_stock("tiktok", t_shop.shop_id, tp.product_id)[t_sku] == 1

    # both buyers press "buy" on the last unit
    s_order = sandbox.create_order("shopee", s_shop.shop_id, lines=[(sp.product_id, s_sku, 1)], push=False)
    t_order = sandbox.create_order("tiktok", t_shop.shop_id, lines=[(tp.product_id, t_sku, 1)], push=False)

    if how == "webhook ingest":
        await asyncio.gather(ingest_orders(tenant, shopee["id"], [s_order.order_id]),
                             ingest_orders(tenant, tiktok["id"], [t_order.order_id]))
    else:
        await asyncio.gather(fetch_store_orders(tenant, shopee["id"]), fetch_store_orders(tenant, tiktok["id"]))

    rows = await Order.select(Order.id, Order.store, Order.stock_state, Order.oversold).where(
        Order.platform_order_id.is_in([s_order.order_id, t_order.order_id]))
    assert len(rows) == 2
    reserved = [r for r in rows if r["stock_state"] == "reserved"]
    oversold = [r for r in rows if r["oversold"]]
    assert len(reserved) == 1 and len(oversold) == 1, rows
    assert reserved[0]["id"] != oversold[0]["id"]
    assert oversold[0]["stock_state"] == "none"
    assert await OrderEvent.count().where((OrderEvent.order == oversold[0]["id"]) & (OrderEvent.kind == "oversold")) == 1
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (1, 1), "one unit, reserved once, never below zero"
    assert await StockMovement.count().where(
        (StockMovement.variant == variant["id"]) & (StockMovement.kind == "reserve")) == 1

    # replaying both orders changes nothing
    await asyncio.gather(ingest_orders(tenant, shopee["id"], [s_order.order_id]),
                         ingest_orders(tenant, tiktok["id"], [t_order.order_id]))
    assert await StockMovement.count().where(
        (StockMovement.variant == variant["id"]) & (StockMovement.kind == "reserve")) == 1

    # the next push offers 0 on both stores
    await push_changes(tenant)
    assert sandbox.listing_stock("shopee", s_shop.shop_id, sp.product_id)[s_sku] == 0
    assert sandbox.listing_stock("tiktok", t_shop.shop_id, tp.product_id)[t_sku] == 0
    listings = await Listing.select(Listing.id, Listing.last_pushed_qty).where(
        (Listing.variant == variant["id"]) & Listing.store.is_in([shopee["id"], tiktok["id"]]))
    assert len(listings) == 2 and {r["last_pushed_qty"] for r in listings} == {0}
    for listing in listings:
        last = await SyncLog.select(SyncLog.quantity, SyncLog.level).where(
            (SyncLog.listing_id == listing["id"]) & (SyncLog.action == "push")).order_by(
            SyncLog.id, ascending=False).first()
        assert last == {"quantity": 0, "level": "info"}
