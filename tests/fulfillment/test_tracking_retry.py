"""The scheduled retry of missing tracking numbers, against the sandbox over HTTP: it asks again
with a growing wait, ships the order when the number comes, and tells the seller once when it
stays missing."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import utcnow
from app.core.i18n import read
from app.domains.fulfillment.tables import Shipment
from app.domains.fulfillment.tracking import NOTIFY_AFTER, next_wait, retry_missing_tracking
from app.domains.notifications.tables import Notification
from app.domains.orders.tables import Order
from tests.fulfillment.test_fulfillment_ship import _level, _marketplace_order, _pack, _shipped


async def _arranged_without_number(owner_client, sandbox, monkeypatch):
    from app.integrations.shopee.adapter import ShopeeAdapter

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await _pack(tenant, order_id, variant, 1)

    async def not_yet(self, conn, order_sn):
        return None

    with monkeypatch.context() as patch:
        patch.setattr(ShopeeAdapter, "tracking_number", not_yet)
        waiting = await _shipped(owner_client, tenant, order_id)
    assert "waiting for the tracking number" in waiting.text
    sandbox_order = shop.orders[placed.order_id]
    number, sandbox_order.tracking_number = sandbox_order.tracking_number, ""  # the platform has none yet
    return sandbox_order, number, variant, order_id


async def _shipment(order_id):
    return await Shipment.select().where(Shipment.order == order_id).first()


async def test_a_missing_tracking_number_is_read_on_a_later_retry(owner_client, sandbox, monkeypatch):
    sandbox_order, number, variant, order_id = await _arranged_without_number(owner_client, sandbox, monkeypatch)
    now = utcnow()
    sandbox.reset_calls()
    first = await retry_missing_tracking(now)
    assert first.waiting >= 1
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/get_tracking_number")) >= 1, "asked the marketplace"
    shipment = await _shipment(order_id)
    assert shipment["tracking_attempts"] == 1 and shipment["next_tracking_check_at"] >= now + timedelta(minutes=4)
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "packed"

    sandbox.reset_calls()
    await retry_missing_tracking(now + timedelta(minutes=1))  # not due yet: not asked again
    assert not sandbox.calls_to("shopee", "/api/v2/logistics/get_tracking_number", outcome=None)
    assert (await _shipment(order_id))["tracking_attempts"] == 1

    sandbox_order.tracking_number = number  # the platform assigns it
    found = await retry_missing_tracking(now + timedelta(minutes=6))
    assert found.found >= 1
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "shipped" and row["tracking_number"] == number
    assert (await _shipment(order_id))["status"] == "shipped" and await _level(variant["id"]) == (4, 0)


async def test_a_number_that_never_comes_backs_off_and_notifies_once(owner_client, sandbox, monkeypatch):
    _sandbox_order, _number, _variant, order_id = await _arranged_without_number(owner_client, sandbox, monkeypatch)
    when = utcnow()
    for attempt in range(1, NOTIFY_AFTER + 2):
        await retry_missing_tracking(when)
        shipment = await _shipment(order_id)
        assert shipment["tracking_attempts"] == attempt
        assert shipment["next_tracking_check_at"] == when + next_wait(attempt)
        when = shipment["next_tracking_check_at"]
    assert next_wait(1) == timedelta(minutes=5) and next_wait(2) == timedelta(minutes=10)
    assert next_wait(30) == timedelta(hours=6)
    notes = await Notification.select().where((Notification.organization == owner_client.account.org_id)
                                              & (Notification.dedupe_key == f"tracking-missing:{order_id}"))
    assert len(notes) == 1 and "still has no tracking number" in read(notes[0]["message"])
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "packed"
