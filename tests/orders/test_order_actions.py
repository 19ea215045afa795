"""Actions on a marketplace order go through the marketplace, on the real database and the
sandbox over HTTP: no local cancel or ship that leaves the platform saying something else; a
cancel with the platform's reason and an arranged shipment are recorded, carried out by a job
after the commit (the job's body is run here as the worker runs it), and the page shows both."""

from __future__ import annotations

import time

import httpx

from app.domains.fulfillment.platform_actions import run_action
from app.domains.fulfillment.tables import OrderAction
from app.domains.orders.tables import Order
from tests.fulfillment.test_fulfillment_ship import _level, _marketplace_order, _pack
from tests.support import post


async def _action(order_id: int) -> dict:
    return await OrderAction.select().where(OrderAction.order == order_id).order_by(OrderAction.id, ascending=False).first()


async def test_a_shopee_order_is_cancelled_on_shopee_with_the_chosen_reason(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=2)
    page = await owner_client.get(f"/orders/{order_id}")
    assert "Mark as cancelled" not in page.text and "Mark as shipped" not in page.text
    assert 'value="out_of_stock"' in page.text and 'value="wrong_price"' not in page.text, "Shopee's reasons only"

    local = await post(owner_client, f"/orders/{order_id}/state", {"state": "cancelled"}, htmx=True)
    assert local.status_code == 409 and "marketplace" in local.text
    assert "is Cancelled on the marketplace" in local.text, "the state's label, never its identifier"
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "ready_to_ship"

    for reason in ("", "wrong_price", "nonsense"):
        refused = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": reason}, htmx=True)
        assert refused.status_code == 409 and "reasons" in refused.text
    assert await OrderAction.count().where(OrderAction.order == order_id) == 0

    sandbox.reset_calls()
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert asked.status_code == 200 and "waiting for the marketplace" in asked.text
    assert sandbox.calls_to("shopee", "/api/v2/order/cancel_order", outcome=None) == [], "no call inside the request"
    twice = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert twice.status_code == 409 and await OrderAction.count().where(OrderAction.order == order_id) == 1

    action = await _action(order_id)
    await run_action(tenant, action["id"])
    assert shop.orders[placed.order_id].status == "CANCELLED"
    assert len(sandbox.calls_to("shopee", "/api/v2/order/cancel_order")) == 1
    row = await Order.select().where(Order.id == order_id).first()
    assert (row["state"], row["stock_state"]) == ("cancelled", "released")
    assert await _level(variant["id"]) == (5, 0)
    assert (await _action(order_id))["status"] == "done"
    shown = await owner_client.get(f"/orders/{order_id}")
    assert "Cancelled on the marketplace." in shown.text
    await run_action(tenant, action["id"])  # a job run twice calls once
    assert len(sandbox.calls_to("shopee", "/api/v2/order/cancel_order")) == 1


async def test_a_tiktok_order_is_cancelled_through_the_cancellations_api(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "tiktok", qty=1)
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "wrong_price"}, htmx=True)
    assert asked.status_code == 200
    await run_action(tenant, (await _action(order_id))["id"])
    assert shop.orders[placed.order_id].status == "CANCELLED"
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "cancelled"


async def test_a_lazada_order_is_cancelled_item_by_item_with_lazadas_reason(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "lazada", qty=2)
    page = await owner_client.get(f"/orders/{order_id}")
    assert 'value="out_of_stock"' in page.text and 'value="undeliverable_address"' not in page.text, "Lazada's reasons"
    refused = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "undeliverable_address"},
                         htmx=True)
    assert refused.status_code == 409 and await OrderAction.count().where(OrderAction.order == order_id) == 0

    sandbox.reset_calls()
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert asked.status_code == 200
    assert sandbox.calls_to("lazada", "/order/cancel", outcome=None) == [], "no call inside the request"
    await run_action(tenant, (await _action(order_id))["id"])
    assert shop.orders[placed.order_id].status == "canceled"
    assert len(sandbox.calls_to("lazada", "/order/cancel")) == 2, "one call per order item (one per unit)"
    row = await Order.select().where(Order.id == order_id).first()
    assert (row["state"], row["stock_state"]) == ("cancelled", "released")
    assert await _level(variant["id"]) == (5, 0)


async def test_a_cancel_the_marketplace_refuses_is_shown_and_changes_nothing(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    # Shipped from the seller centre meanwhile: Shopee no longer lets the seller cancel.
    sandbox.set_order_status("shopee", shop.shop_id, placed.order_id, "SHIPPED", push=False)
    await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "buyer_request"}, htmx=True)
    await run_action(tenant, (await _action(order_id))["id"])
    action = await _action(order_id)
    assert action["status"] == "failed" and action["message"]
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "ready_to_ship"
    assert await _level(variant["id"]) == (5, 1)
    page = await owner_client.get(f"/orders/{order_id}")
    assert "refused" in page.text


async def test_a_packed_order_ships_from_its_page_through_the_marketplace(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    early = await post(owner_client, f"/orders/{order_id}/marketplace/ship", {}, htmx=True)
    assert early.status_code == 409 and "pack it first" in early.text
    await _pack(tenant, order_id, variant, 1)
    local = await post(owner_client, f"/orders/{order_id}/state", {"state": "shipped"}, htmx=True)
    assert local.status_code == 409
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/ship", {}, htmx=True)
    assert asked.status_code == 200 and "waiting for the marketplace" in asked.text
    await run_action(tenant, (await _action(order_id))["id"])
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "shipped" and row["tracking_number"] == shop.orders[placed.order_id].tracking_number != ""
    assert (await _action(order_id))["status"] == "done"


async def test_bulk_ship_sends_marketplace_orders_through_jobs(owner_client, sandbox):
    tenant, shop, placed, variant, packed_id = await _marketplace_order(owner_client, sandbox, "tiktok", qty=1)
    await _pack(tenant, packed_id, variant, 1)
    response = await post(owner_client, "/orders/bulk", {"action": "ship", "order_id": [str(packed_id)]})
    text = (await owner_client.get(response.headers["location"])).text
    assert "1 sent to the marketplace" in text
    await run_action(tenant, (await _action(packed_id))["id"])
    assert (await Order.select(Order.state).where(Order.id == packed_id).first())["state"] == "shipped"


async def test_the_sandbox_cancel_endpoints_check_the_signature(sandbox, marketplace):
    now = int(time.time())
    async with httpx.AsyncClient() as client:
        shopee = await client.post(f"{marketplace.url}/shopee/api/v2/order/cancel_order",
                                   params={"partner_id": "1", "timestamp": now, "sign": "0" * 64,
                                           "shop_id": "1", "access_token": "x"}, json={"order_sn": "X"})
        tiktok = await client.post(f"{marketplace.url}/tiktok/return_refund/202309/cancellations",
                                   params={"app_key": "x", "timestamp": now, "sign": "0" * 64, "shop_cipher": "x"},
                                   json={"order_id": "1"})
    assert shopee.json()["error"] != "" and shopee.json().get("response") is None
    assert tiktok.json()["code"] != 0


async def test_an_action_the_marketplace_never_answered_is_given_up_in_words(owner_client, sandbox):
    from datetime import timedelta

    from app.core.clock import utcnow
    from app.domains.fulfillment.platform_actions import sweep_pending

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "buyer_request"}, htmx=True)
    fresh = await _action(order_id)
    await sweep_pending()
    assert (await _action(order_id))["status"] == "pending", "a fresh action is left to its job"
    await OrderAction.update({OrderAction.created_at: utcnow() - timedelta(hours=2)}).where(
        OrderAction.id == fresh["id"])
    await sweep_pending()
    stale = await _action(order_id)
    assert stale["status"] == "failed" and "could not be reached" in stale["message"]
    assert shop.orders[placed.order_id].status == "READY_TO_SHIP"
    again = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "buyer_request"}, htmx=True)
    assert again.status_code == 200, "the seller may ask again"


async def test_the_cancel_runs_on_the_worker_after_the_request(owner_client, sandbox, worker):
    from app.core.queue import get_queue

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "tiktok", qty=1)
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert asked.status_code == 200
    action = await _action(order_id)
    job = await get_queue().job(f"order-action:{action['id']}")
    await job.refresh(until_complete=30)
    assert job.result == {"outcome": "Cancelled on the marketplace."}
    assert (await _action(order_id))["status"] == "done"
    assert shop.orders[placed.order_id].status == "CANCELLED"
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "cancelled"


async def test_a_cancel_overtaken_by_the_marketplace_is_done_without_a_call(owner_client, sandbox):
    from app.domains.orders.fetch import ingest_orders

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "buyer_request"}, htmx=True)
    sandbox.set_order_status("shopee", shop.shop_id, placed.order_id, "CANCELLED", push=False)
    store_id = (await Order.select(Order.store).where(Order.id == order_id).first())["store"]
    await ingest_orders(tenant, store_id, [placed.order_id])  # the webhook's news arrives first
    sandbox.reset_calls()
    await run_action(tenant, (await _action(order_id))["id"])
    action = await _action(order_id)
    assert action["status"] == "done" and "already cancelled" in action["message"]
    assert sandbox.calls_to("shopee", "/api/v2/order/cancel_order", outcome=None) == []
