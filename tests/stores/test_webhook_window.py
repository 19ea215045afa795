"""Webhooks whose own timestamp lies outside the platforms' retry window are refused (and logged with
the reason), however well signed; inside it, the dedupe key still stores each notification once."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta

import pytest

from app.domains.stores import webhooks
from app.domains.stores.tables import WebhookEventRecord
from app.integrations.base import Platform
from app.integrations.errors import WebhookRejected
from app.sandbox.state import SandboxState
from tests.marketplace import connect, new_shop
from tests.stores.test_webhooks import shopee_push, tiktok_push

YEAR = 365 * 86400


def _payload(platform: str, shop_id: str, timestamp: int | None) -> dict:
    if platform == "shopee":
        payload = {"code": 3, "shop_id": int(shop_id),
                   "data": {"ordersn": secrets.token_hex(6).upper(), "status": "READY_TO_SHIP"}}
    else:
        payload = {"type": 1, "tts_notification_id": secrets.token_hex(8), "shop_id": shop_id,
                   "data": {"order_id": str(secrets.randbelow(10**17)), "order_status": "AWAITING_SHIPMENT"}}
    if timestamp is not None:
        payload["timestamp"] = timestamp
    return payload


def _signed(platform: str, payload: dict) -> tuple[bytes, dict[str, str]]:
    return shopee_push(payload) if platform == "shopee" else tiktok_push(payload)


async def _stored(shop_id: str) -> int:
    return await WebhookEventRecord.count().where(WebhookEventRecord.platform_shop_id == shop_id)


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_signed_pushes_a_year_old_or_ahead_are_refused_and_logged(owner_client, sandbox: SandboxState,
                                                                        platform: str, caplog):
    shop = new_shop(sandbox, platform)
    await connect(owner_client, shop)
    now = int(time.time())
    answers = {}
    for name, timestamp in {"year old": now - YEAR, "year ahead": now + YEAR, "missing": None,
                            "absurd": 10**15}.items():
        body, headers = _signed(platform, _payload(platform, shop.shop_id, timestamp))
        answers[name] = (await owner_client.post(f"/webhooks/{platform}", content=body, headers=headers)).status_code
    body, headers = _signed(platform, _payload(platform, shop.shop_id, now))
    fresh = await owner_client.post(f"/webhooks/{platform}", content=body, headers=headers)
    replay = await owner_client.post(f"/webhooks/{platform}", content=body, headers=headers)

    assert answers == {"year old": 401, "year ahead": 401, "missing": 401, "absurd": 401}
    assert (fresh.status_code, replay.status_code) == (200, 200)
    assert await _stored(shop.shop_id) == 1  # the fresh one, once
    assert f"rejected {platform} webhook" in caplog.text
    assert "older than the 72 h retry window" in caplog.text
    assert "min in the future" in caplog.text and "no timestamp" in caplog.text


@pytest.mark.parametrize("platform", [Platform.SHOPEE, Platform.TIKTOK])
async def test_the_window_edges_follow_the_injected_clock(owner_client, sandbox: SandboxState, platform: Platform):
    shop = new_shop(sandbox, platform.value)
    await connect(owner_client, shop)
    sent = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    body, headers = _signed(platform.value, _payload(platform.value, shop.shop_id, int(sent.timestamp())))

    def at(moment: datetime):
        return lambda: moment

    with pytest.raises(WebhookRejected, match="future"):
        await webhooks.receive(platform, headers=headers, body=body,
                               clock=at(sent - webhooks.MAX_AHEAD - timedelta(seconds=1)))
    with pytest.raises(WebhookRejected, match="older"):
        await webhooks.receive(platform, headers=headers, body=body,
                               clock=at(sent + webhooks.MAX_AGE + timedelta(seconds=1)))
    assert await _stored(shop.shop_id) == 0

    # a platform retry three days later is still taken, once
    retried = await webhooks.receive(platform, headers=headers, body=body, clock=at(sent + timedelta(hours=72)))
    again = await webhooks.receive(platform, headers=headers, body=body, clock=at(sent - webhooks.MAX_AHEAD))
    assert retried.duplicate is False and again.duplicate is True
    assert await _stored(shop.shop_id) == 1
