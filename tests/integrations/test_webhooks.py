"""Webhooks pushed by the sandbox, verified by the adapters: good, tampered and replayed bodies."""

from __future__ import annotations

import pytest

from app.integrations import errors
from app.integrations.base import EventKind, OrderStatus
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import SandboxState
from tests.integrations.conftest import Connected


def _received(state: SandboxState, name: str) -> list[dict]:
    state.dispatcher.wait_idle()
    return state.sink(name)


async def test_shopee_order_push_verifies_and_parses(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                     state: SandboxState, sandbox: BackgroundSandbox):
    sink = f"shopee-{shopee_shop.shop.shop_id}"
    callback = f"{sandbox.url}/_control/sink/{sink}"
    state.set_callback("shopee", shopee_shop.shop.shop_id, callback)
    order = state.create_order("shopee", shopee_shop.shop.shop_id)
    state.set_order_status("shopee", shopee_shop.shop.shop_id, order.order_id, "CANCELLED")
    first, second = _received(state, sink)

    event = shopee.verify_webhook(headers=first["headers"], body=first["body"], url=callback)
    assert event.kind is EventKind.ORDER_STATUS and event.order_id == order.order_id
    assert event.order_status is OrderStatus.TO_SHIP and event.shop_id == shopee_shop.shop.shop_id
    later = shopee.verify_webhook(headers=second["headers"], body=second["body"], url=callback)
    assert later.order_status is OrderStatus.CANCELLED and later.dedupe_key != event.dedupe_key

    replay = shopee.verify_webhook(headers=first["headers"], body=first["body"], url=callback)
    assert replay.dedupe_key == event.dedupe_key

    with pytest.raises(errors.WebhookRejected):
        shopee.verify_webhook(headers=first["headers"], body=first["body"].replace(b"READY", b"READX"), url=callback)
    with pytest.raises(errors.WebhookRejected):
        shopee.verify_webhook(headers=first["headers"], body=first["body"], url=callback + "?x=1")
    with pytest.raises(errors.WebhookRejected):
        shopee.verify_webhook(headers={}, body=first["body"], url=callback)


async def test_tiktok_order_webhook_verifies_and_parses(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                        state: SandboxState, sandbox: BackgroundSandbox):
    sink = f"tiktok-{tiktok_shop.shop.shop_id}"
    callback = f"{sandbox.url}/_control/sink/{sink}"
    state.set_callback("tiktok", tiktok_shop.shop.shop_id, callback)
    order = state.create_order("tiktok", tiktok_shop.shop.shop_id)
    state.set_order_status("tiktok", tiktok_shop.shop.shop_id, order.order_id, "CANCELLED")
    first, second = _received(state, sink)

    event = tiktok.verify_webhook(headers=first["headers"], body=first["body"], url=callback)
    assert event.kind is EventKind.ORDER_STATUS and event.order_id == order.order_id
    assert event.order_status is OrderStatus.TO_SHIP
    cancelled = tiktok.verify_webhook(headers=second["headers"], body=second["body"], url=callback)
    assert cancelled.raw_status == "CANCEL" and cancelled.order_status is OrderStatus.CANCELLED

    replay = tiktok.verify_webhook(headers=first["headers"], body=first["body"], url=callback)
    assert replay.dedupe_key == event.dedupe_key != cancelled.dedupe_key

    with pytest.raises(errors.WebhookRejected) as tampered:
        tiktok.verify_webhook(headers=first["headers"], body=first["body"] + b" ", url=callback)
    assert not tampered.value.retryable


async def test_failed_delivery_is_recorded_not_raised(state: SandboxState, shopee_shop: Connected):
    state.set_callback("shopee", shopee_shop.shop.shop_id, "http://127.0.0.1:9/nobody-listens")
    state.create_order("shopee", shopee_shop.shop.shop_id)
    state.dispatcher.wait_idle()
    assert state.dispatcher.delivered[-1].error
