"""Webhook receivers: verified, stored once, answered at once with an empty body, handed to a job."""

from __future__ import annotations

import json
import secrets
import time

from app.core.queue import get_queue
from app.domains.stores.tables import Store, WebhookEventRecord
from app.domains.stores.webhooks import process
from app.integrations.shopee import signing as shopee_signing
from app.integrations.tiktok import signing as tiktok_signing
from app.sandbox.state import SandboxState
from app.settings import get_settings
from tests.marketplace import APP_URL, connect, new_shop


def shopee_push(payload: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload, separators=(",", ":")).encode()
    sign = shopee_signing.push_sign(get_settings().shopee_partner_key, callback_url=f"{APP_URL}/webhooks/shopee",
                                    body=body)
    return body, {"Authorization": sign, "Content-Type": "application/json"}


def tiktok_push(payload: dict) -> tuple[bytes, dict[str, str]]:
    settings = get_settings()
    body = json.dumps(payload, separators=(",", ":")).encode()
    sign = tiktok_signing.webhook_sign(settings.tiktok_app_secret, app_key=settings.tiktok_app_key, body=body)
    return body, {"Authorization": sign, "Content-Type": "application/json"}


async def _events(shop_id: str) -> list[dict]:
    return await WebhookEventRecord.select().where(WebhookEventRecord.platform_shop_id == shop_id).output(
        load_json=True)


async def test_a_signed_shopee_push_is_stored_once_and_handed_to_a_job(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee")
    store_id = int((await connect(owner_client, shop)).headers["location"].rsplit("/", 1)[1])
    body, headers = shopee_push({"code": 3, "shop_id": int(shop.shop_id), "timestamp": int(time.time()),
                                 "data": {"ordersn": "2611250ABCDEFG", "status": "READY_TO_SHIP",
                                          "update_time": int(time.time())}})

    first = await owner_client.post("/webhooks/shopee", content=body, headers=headers)
    replay = await owner_client.post("/webhooks/shopee", content=body, headers=headers)

    assert (first.status_code, first.content) == (200, b"")
    assert (replay.status_code, replay.content) == (200, b"")
    [event] = await _events(shop.shop_id)
    assert (event["store"], event["organization"]) == (store_id, owner_client.account.org_id)
    assert event["kind"] == "order_status" and event["payload"]["ordersn"] == "2611250ABCDEFG"
    job = await get_queue().job(f"webhook:{event['dedupe_key']}")
    assert job is not None and job.function == "process_webhook" and job.kwargs == {"event_id": event["id"]}

    # the order is not on the marketplace: the event is processed, nothing is invented
    assert await process(event["id"]) == "order 2611250ABCDEFG: 0 new, 0 updated"
    assert (await _events(shop.shop_id))[0]["processed_at"] is not None
    assert await process(event["id"]) == "skipped"


async def test_a_bad_signature_is_refused_and_nothing_is_stored(client, sandbox: SandboxState, caplog):
    shop_id = "990000001"
    body, headers = shopee_push({"code": 3, "shop_id": int(shop_id), "timestamp": int(time.time()),
                                 "data": {"ordersn": "SECRETBODY", "status": "CANCELLED"}})
    tampered = body.replace(b"CANCELLED", b"COMPLETED")

    response = await client.post("/webhooks/shopee", content=tampered, headers=headers)
    unsigned = await client.post("/webhooks/tiktok", content=body, headers={"Content-Type": "application/json"})

    assert response.status_code == 401 and unsigned.status_code == 401
    assert await _events(shop_id) == []
    assert "rejected shopee webhook" in caplog.text and "SECRETBODY" not in caplog.text


async def test_a_tiktok_deauthorization_marks_the_store_for_reconnecting(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "tiktok")
    store_id = int((await connect(owner_client, shop)).headers["location"].rsplit("/", 1)[1])
    payload = {"type": 6, "tts_notification_id": secrets.token_hex(8), "shop_id": shop.shop_id,
               "timestamp": int(time.time()), "data": {"message": "seller deauthorized"}}
    body, headers = tiktok_push(payload)

    for _ in range(3):  # the platform retries deliveries; all but the first are replays
        assert (await owner_client.post("/webhooks/tiktok", content=body, headers=headers)).status_code == 200

    [event] = await _events(shop.shop_id)
    assert event["kind"] == "deauthorized"
    assert await process(event["id"]) == "needs_reauth"
    store = await Store.select().where(Store.id == store_id).first()
    assert store["status"] == "needs_reauth" and "Reconnect" in store["last_error"]


async def test_webhook_jobs_run_on_the_worker(owner_client, sandbox: SandboxState, worker):
    shop = new_shop(sandbox, "tiktok")
    await connect(owner_client, shop)
    body, headers = tiktok_push({"type": 1, "tts_notification_id": secrets.token_hex(8), "shop_id": shop.shop_id,
                                 "timestamp": int(time.time()),
                                 "data": {"order_id": "576000000000000001", "order_status": "AWAITING_SHIPMENT"}})
    assert (await owner_client.post("/webhooks/tiktok", content=body, headers=headers)).status_code == 200
    [event] = await _events(shop.shop_id)
    job = await get_queue().job(f"webhook:{event['dedupe_key']}")
    await job.refresh(until_complete=10)
    assert job.result == {"event_id": event["id"], "outcome": "order 576000000000000001: 0 new, 0 updated"}
    assert (await _events(shop.shop_id))[0]["processed_at"] is not None
