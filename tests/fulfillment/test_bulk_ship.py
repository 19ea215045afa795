"""Bulk ship from the order queue through the sandbox: packed marketplace orders are sent to the
marketplace in a job each (run here as the worker runs it), arranged and get their tracking
numbers, each once; unpacked and manual orders without a tracking number are refused and left as
they were."""

from __future__ import annotations

from app.domains.fulfillment.platform_actions import run_action
from app.domains.fulfillment.tables import OrderAction
from app.domains.orders.tables import Order
from tests.fulfillment.test_fulfillment_ship import _level, _marketplace_order, _pack
from tests.support import post


async def test_bulk_ship_ships_packed_orders_once_and_refuses_the_rest(owner_client, sandbox):
    tenant, shop, placed, variant, packed_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await _pack(tenant, packed_id, variant, 1)
    _t, tshop, tplaced, tvariant, tiktok_id = await _marketplace_order(owner_client, sandbox, "tiktok", qty=1)
    await _pack(tenant, tiktok_id, tvariant, 1)
    _t, _s, _p, uvariant, unpacked_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    sandbox.reset_calls()
    ids = [str(packed_id), str(tiktok_id), str(unpacked_id)]
    response = await post(owner_client, "/orders/bulk", {"action": "ship", "order_id": ids})
    assert response.status_code == 303
    text = (await owner_client.get(response.headers["location"])).text
    assert "0 done, 2 sent to the marketplace (each order page shows its answer), 1 refused: ready to ship, " \
           "pack it first (1)" in text
    assert sandbox.calls_to("shopee", "/api/v2/logistics/ship_order") == [], "no marketplace call in the request"
    for action in await OrderAction.select().where(OrderAction.order.is_in([packed_id, tiktok_id])):
        await run_action(tenant, action["id"])
    rows = {r["id"]: r for r in await Order.select().where(Order.id.is_in([packed_id, tiktok_id, unpacked_id]))}
    assert rows[packed_id]["state"] == "shipped"
    assert rows[packed_id]["tracking_number"] == shop.orders[placed.order_id].tracking_number != ""
    assert rows[tiktok_id]["tracking_number"] == tshop.orders[tplaced.order_id].tracking_number != ""
    assert rows[unpacked_id]["state"] == "ready_to_ship" and await _level(uvariant["id"]) == (5, 1)
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/ship_order")) == 1

    again = await post(owner_client, "/orders/bulk", {"action": "ship", "order_id": ids[:2]})
    text = (await owner_client.get(again.headers["location"])).text
    assert "0 done, 2 refused: already shipped (2)" in text
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/ship_order")) == 1, "shipping twice ships once"
