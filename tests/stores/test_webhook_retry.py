"""A webhook event whose job used up its attempts is not forgotten: it is counted, swept again
with backoff, listed for the seller on the Sync page, and can be retried by hand.

Against the sandbox over HTTP; the sweep is driven with a controlled time (no sleeps)."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest

from app.core.clock import utcnow
from app.core.queue import get_queue
from app.domains.orders.tables import Order
from app.domains.stores import webhook_retry
from app.domains.stores.tables import WebhookEventRecord
from app.integrations.errors import IntegrationError
from app.sandbox.state import Fault
from tasks.stores import process_webhook
from tests.marketplace import connect, new_shop
from tests.stores.test_webhooks import shopee_push
from tests.support import http_client, login, make_account, post

JOB_ATTEMPTS = 5  # what receive() enqueues the first job with


@pytest.fixture
def failing_fast(monkeypatch):
    """Adapters that give up on a failing call at once (one quick retry, no circuit breaker), so
    each job attempt fails in milliseconds and a cleared fault is seen by the next attempt."""
    from app.domains.stores import adapters
    from app.integrations.transport import RetryPolicy

    original = adapters.build_adapter

    def build(platform):
        adapter = original(platform)
        adapter.transport.http.timeout = httpx.Timeout(2)
        adapter.transport.limiter = None
        adapter.transport.retry = RetryPolicy(attempts=2, initial=0.01, maximum=0.02, jitter=0.01)
        adapter.transport.breaker = None
        return adapter

    monkeypatch.setattr(adapters, "build_adapter", build)


async def _event(shop_id: str) -> dict:
    return await WebhookEventRecord.select().where(WebhookEventRecord.platform_shop_id == shop_id).first()


async def _run_job(event_id: int) -> bool:
    """One attempt of the job, as the worker runs it; True when it succeeded."""
    try:
        await process_webhook({}, event_id=event_id)
    except IntegrationError:
        return False
    return True


async def test_a_dead_event_is_swept_again_listed_for_the_seller_and_retried_by_hand(
        app, owner_client, sandbox, failing_fast):
    shop = new_shop(sandbox, "shopee")
    await connect(owner_client, shop)
    product = next(iter(shop.products.values()))
    order = sandbox.create_order("shopee", shop.shop_id, lines=[(product.product_id, product.skus[0].sku_id, 1)],
                                 status="READY_TO_SHIP", push=False)
    body, headers = shopee_push({"code": 3, "shop_id": int(shop.shop_id), "timestamp": int(time.time()),
                                 "data": {"ordersn": order.order_id, "status": "READY_TO_SHIP",
                                          "update_time": int(time.time())}})
    assert (await owner_client.post("/webhooks/shopee", content=body, headers=headers)).status_code == 200
    event = await _event(shop.shop_id)

    # The marketplace fails every call: the job uses up its attempts.
    sandbox.add_fault(Fault(kind="server_error", platform="shopee", shop_id=shop.shop_id, remaining=None))
    assert [await _run_job(event["id"]) for _ in range(JOB_ATTEMPTS)] == [False] * JOB_ATTEMPTS
    event = await _event(shop.shop_id)
    assert event["processed_at"] is None and event["attempts"] == JOB_ATTEMPTS
    failed_at = utcnow()
    assert timedelta(minutes=15) < event["next_attempt_at"] - failed_at <= timedelta(minutes=16)

    # The seller sees it on the Sync page, in words, with a Retry button; another organisation does not.
    page = (await owner_client.get("/sync")).text
    assert f'id="failed-event-{event["id"]}"' in page and f"Order {order.order_id}" in page
    assert "The marketplace did not answer. StoreSync will try again." in page
    assert f'action="/sync/webhook-events/{event["id"]}/retry"' in page
    other = await make_account()
    async with http_client(app) as stranger:
        await login(stranger, other)
        assert order.order_id not in (await stranger.get("/sync")).text
        refused = await post(stranger, f"/sync/webhook-events/{event['id']}/retry", {})
        assert refused.status_code == 404

    # The sweep leaves it alone until its backoff has passed, then enqueues it once.
    assert event["id"] not in {r.id for r in await webhook_retry.due_for_retry(failed_at)}
    later = event["next_attempt_at"] + timedelta(seconds=1)
    assert await webhook_retry.sweep(later) >= 1
    key = f"webhook-retry:{event['id']}:{JOB_ATTEMPTS}"
    assert (await get_queue().job(key)).kwargs == {"event_id": event["id"]}
    await webhook_retry.sweep(later)  # a second sweep before the job ran: still one job
    assert await _run_job(event["id"]) is False  # still failing: one more attempt, a longer wait
    event = await _event(shop.shop_id)
    assert event["attempts"] == JOB_ATTEMPTS + 1
    assert event["next_attempt_at"] - utcnow() > timedelta(minutes=31)

    # The cause is fixed; the seller presses Retry (as htmx sends it) and the job brings the order.
    sandbox.clear_faults()
    response = await post(owner_client, f"/sync/webhook-events/{event['id']}/retry", {}, htmx=True)
    assert response.status_code == 200 and 'id="failed-events"' in response.text
    assert "Being tried again now." in response.text
    assert await get_queue().job(f"webhook-retry:{event['id']}:{JOB_ATTEMPTS + 1}:manual") is not None
    assert await _run_job(event["id"]) is True
    assert await Order.exists().where(Order.platform_order_id == order.order_id)
    assert (await _event(shop.shop_id))["processed_at"] is not None
    page = (await owner_client.get("/sync")).text
    assert f'id="failed-event-{event["id"]}"' not in page
    again = await post(owner_client, f"/sync/webhook-events/{event['id']}/retry", {}, htmx=True)
    assert again.status_code == 200 and "processed meanwhile" in again.text


async def test_an_event_whose_job_was_never_enqueued_is_swept_after_two_minutes(owner_client, sandbox):
    shop = new_shop(sandbox, "shopee")
    await connect(owner_client, shop)
    row = WebhookEventRecord(platform="shopee", dedupe_key=f"lost-{shop.shop_id}", kind="other", code="99",
                             platform_shop_id=shop.shop_id, organization=owner_client.account.org_id,
                             payload={})
    await row.save()  # stored, then the process died before enqueueing its job
    received = (await _event(shop.shop_id))["received_at"]

    assert row.id not in {r.id for r in await webhook_retry.due_for_retry(received + timedelta(minutes=1))}
    assert row.id in {r.id for r in await webhook_retry.due_for_retry(received + timedelta(minutes=2))}
    await webhook_retry.sweep(received + timedelta(minutes=2))
    assert await get_queue().job(f"webhook-retry:{row.id}:0") is not None
    assert await _run_job(row.id) is True
    assert (await _event(shop.shop_id))["processed_at"] is not None
    assert row.id not in {r.id for r in await webhook_retry.due_for_retry(received + timedelta(hours=1))}


async def test_an_attempt_cut_short_by_the_job_timeout_is_counted(owner_client, sandbox, failing_fast):
    import asyncio

    shop = new_shop(sandbox, "shopee")
    await connect(owner_client, shop)
    body, headers = shopee_push({"code": 3, "shop_id": int(shop.shop_id), "timestamp": int(time.time()),
                                 "data": {"ordersn": "HANGING1", "status": "READY_TO_SHIP",
                                          "update_time": int(time.time())}})
    assert (await owner_client.post("/webhooks/shopee", content=body, headers=headers)).status_code == 200
    event = await _event(shop.shop_id)
    # The marketplace answers after 1.5 s; the job's timeout (here 0.2 s) cancels the attempt first.
    sandbox.add_fault(Fault(kind="hang", platform="shopee", shop_id=shop.shop_id, remaining=1, seconds=1.5))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(process_webhook({}, event_id=event["id"]), timeout=0.2)
    event = await _event(shop.shop_id)
    assert event["processed_at"] is None and event["attempts"] == 1
    assert event["last_error"] == webhook_retry.REASONS["unreachable"]
