"""Courier rates, booking, tracking and the order following its parcel, against the courier sandbox
over real HTTP; webhooks arrive over HTTP at the app's receiver."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from app.core.clock import utcnow
from app.core.errors import Conflict
from app.core.tenancy import Tenant
from app.integrations.couriers.gateway import Parcel
from tests.shipping.conftest import ORIGIN_POSTAL, courier_org, weighed_order
from tests.support import http_client, login, make_account, post


async def _shipment(org_id: int, order_id: int):
    from app.domains.shipping.tables import CourierShipment

    return await CourierShipment.objects().where((CourierShipment.organization == org_id)
                                                 & (CourierShipment.order == order_id)).first()


async def _order_state(tenant: Tenant, order_id: int) -> str:
    from app.domains.orders import get_order

    return (await get_order(tenant, order_id)).state


async def test_rates_differ_by_zone_and_weight_and_are_cached(courier):
    from app.domains.shipping import rates

    org = await courier_org(courier)
    near = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="12950", parcel=Parcel(900, 100_000))
    far = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="80361", parcel=Parcel(900, 100_000))
    heavy = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="80361", parcel=Parcel(2900, 100_000))
    price = {r.code: r.price for r in near}
    assert set(price) == {"jne:reg", "jne:yes", "jnt:ez", "sicepat:reg", "sicepat:best", "anteraja:reg"}
    assert price["jne:reg"] == 9000 and {r.code: r.price for r in far}["jne:reg"] == 36000
    assert {r.code: r.price for r in heavy}["jne:reg"] == 36000 + 2 * 32000
    cod = {r.code: (r.cod_available, r.cod_fee) for r in near}
    assert cod["jne:reg"] == (True, 3000) and cod["jne:yes"] == (False, 0)
    calls = courier.sandbox.rate_calls
    again = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="12950", parcel=Parcel(900, 100_000))
    assert again == near and courier.sandbox.rate_calls == calls  # from Redis, not the aggregator


async def test_weight_limit_and_unserviceable_area_leave_services_out(courier):
    from app.domains.shipping import rates

    org = await courier_org(courier)
    heavy = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="40115", parcel=Parcel(40_000, 1))
    assert {r.code for r in heavy} == {"jne:reg", "jnt:ez", "sicepat:reg"}  # YES, BEST, AnterAja: 30 kg at most
    papua = await rates.quote(org.org_id, origin=ORIGIN_POSTAL, destination="99111", parcel=Parcel(500, 1))
    assert {r.courier for r in papua} == {"jne"}


async def test_book_from_the_order_page_then_delivered_by_webhooks(courier, app):
    from app.domains.orders import get_order

    account = await make_account()
    org = await courier_org(courier, account=account)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant, grams=700, units=2)
    async with http_client(app) as client:
        await login(client, account)
        panel = await client.get(f"/shipping/orders/{order_id}/panel", headers={"HX-Request": "true"})
        assert panel.status_code == 200 and 'value="jne:reg"' in panel.text and "1400" in panel.text
        booked = await post(client, f"/shipping/orders/{order_id}/book", {
            "service": "jnt:ez", "handover": "pickup", "destination_postal": "40115", "weight_grams": "1400"},
            htmx=True)
    assert booked.status_code == 200, booked.text[:500]
    shipment = await _shipment(org.org_id, order_id)
    assert shipment.state == "booked" and re.fullmatch(r"JP\d{10}", shipment.waybill)
    assert shipment.weight_grams == 1400 and not shipment.weight_overridden
    assert shipment.waybill in booked.text and f"/fulfillment/orders/{order_id}/label" in booked.text
    assert (await get_order(tenant, order_id)).tracking_number == shipment.waybill

    courier.sandbox.set_status(shipment.booking_id, "picked")
    await courier.flush()
    assert (await _shipment(org.org_id, order_id)).state == "picked"
    assert await _order_state(tenant, order_id) == "shipped"
    async with http_client(app) as client:
        await login(client, account)
        polled = await client.get(f"/shipping/orders/{order_id}/panel?seen=booked", headers={"HX-Request": "true"})
        same = await client.get(f"/shipping/orders/{order_id}/panel?seen=picked", headers={"HX-Request": "true"})
    assert polled.headers.get("hx-refresh") == "true"  # the order moved too: the whole page reloads
    assert "hx-refresh" not in same.headers and 'hx-trigger="every 10s"' in same.text
    courier.sandbox.set_status(shipment.booking_id, "dropping_off")
    courier.sandbox.set_status(shipment.booking_id, "delivered")
    await courier.flush()
    assert (await _shipment(org.org_id, order_id)).state == "delivered"
    assert await _order_state(tenant, order_id) == "delivered"
    async with http_client(app) as client:
        await login(client, account)
        page = await client.get(f"/shipping/orders/{order_id}/panel")
    assert 'id="tracking-timeline"' in page.text and "Parcel delivered" in page.text
    assert 'hx-trigger="every 10s"' not in page.text  # delivered: nothing left to poll for


async def test_failed_delivery_opens_a_return_and_returned_keeps_it(courier):
    from app.domains.orders import returns_of
    from app.domains.shipping.booking import book

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    shipment = await book(tenant, order_id, service="jne:reg", pickup=False, weight_grams=2500)  # weighed
    assert shipment.state == "booked" and re.fullmatch(r"01\d{14}", shipment.waybill)
    assert shipment.weight_grams == 2500 and shipment.weight_overridden and not shipment.pickup
    for status in ("picked", "return_in_transit"):
        courier.sandbox.set_status(shipment.booking_id, status)
    await courier.flush()
    assert (await _shipment(org.org_id, order_id)).state == "failed"
    opened = await returns_of(tenant, order_id)
    assert len(opened) == 1 and sum(line.quantity for line in opened[0].lines) == 2
    courier.sandbox.set_status(shipment.booking_id, "returned")
    await courier.flush()
    assert (await _shipment(org.org_id, order_id)).state == "returned"
    assert len(await returns_of(tenant, order_id)) == 1  # the same return, not a second one


async def test_forged_duplicate_out_of_order_and_unknown_webhooks_change_nothing(courier):
    from app.domains.shipping.booking import book
    from app.domains.shipping.tables import CourierWebhook, TrackingEvent

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    shipment = await book(tenant, order_id, service="sicepat:reg", pickup=True)
    order = courier.sandbox.by_waybill(shipment.waybill)
    # forged: the right URL, the wrong secret
    courier.sandbox.notify(order, "delivered", header_value="guessed-secret-0000")
    await courier.flush()
    assert courier.sandbox.delivered[-1].status == 401
    assert (await _shipment(org.org_id, order_id)).state == "booked"
    # duplicates: the same status three times is one timeline line
    courier.sandbox.set_status(shipment.booking_id, "picked", notify=False)
    courier.sandbox.notify(order, "picked", times=3)
    await courier.flush()
    assert [d.status for d in courier.sandbox.delivered[-3:]] == [200, 200, 200]
    assert await TrackingEvent.count().where((TrackingEvent.shipment == shipment.id)
                                             & (TrackingEvent.courier_status == "picked")) == 1
    # out of order: delivered, then a late "dropping_off" — the state stays delivered
    courier.sandbox.notify(order, "delivered")
    await courier.flush()
    courier.sandbox.notify(order, "dropping_off")
    await courier.flush()
    assert (await _shipment(org.org_id, order_id)).state == "delivered"
    assert await _order_state(tenant, order_id) == "delivered"
    verdicts = [r["verdict"] for r in await CourierWebhook.select(CourierWebhook.verdict).where(
        CourierWebhook.organization == org.org_id).order_by(CourierWebhook.id)]
    assert verdicts == ["forged", "applied", "duplicate", "duplicate", "applied", "stale"]
    # unknown waybill / booking at the right URL with the right secret; an unknown URL
    async with httpx.AsyncClient() as client:
        unknown = await client.post(org.webhook_url, json={"event": "order.status", "order_id": "nope",
                                                           "courier_waybill_id": "X1", "status": "delivered"},
                                    headers={"x-courier-secret": org.secret})
        nowhere = await client.post(f"{courier.app_url}/shipping/webhooks/not-a-token", json={},
                                    headers={"x-courier-secret": org.secret})
        junk = await client.post(org.webhook_url, content=b"{not json", headers={"x-courier-secret": org.secret})
    assert (unknown.status_code, nowhere.status_code, junk.status_code) == (404, 404, 400)


async def test_outage_waits_with_a_reason_and_a_job_books_it_later(courier):
    from app.domains.orders import transition
    from app.domains.shipping.booking import book, retry_due

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    courier.sandbox.outage = -1
    shipment = await book(tenant, order_id, service="anteraja:reg", pickup=True)
    assert shipment.state == "waiting" and shipment.waybill == "" and shipment.attempts == 1
    assert "down" in shipment.reason or "answer" in shipment.reason
    await transition(tenant, order_id, "packed")  # packing is never blocked by the courier
    assert await _order_state(tenant, order_id) == "packed"
    assert await retry_due(utcnow() + timedelta(minutes=5)) >= 1  # still down: waits longer
    assert (await _shipment(org.org_id, order_id)).attempts == 2
    courier.sandbox.outage = 0
    await retry_due(utcnow() + timedelta(hours=1))
    booked = await _shipment(org.org_id, order_id)
    assert booked.state == "booked" and re.fullmatch(r"10\d{12}", booked.waybill) and booked.reason == ""


async def test_refusals_change_nothing(courier):
    from app.domains.shipping.booking import book
    from app.domains.shipping.tables import CourierShipment

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    far = await weighed_order(tenant, postal="99111")
    with pytest.raises(Conflict, match="does not serve postal code 99111"):
        await book(tenant, far, service="sicepat:reg", pickup=True)
    heavy = await weighed_order(tenant, grams=20_000, units=2)
    with pytest.raises(Conflict, match="Weight exceeds the limit of 30 kg"):
        await book(tenant, heavy, service="jne:yes", pickup=True)
    courier.sandbox.refuse_next = "Pickup area is full today"
    with pytest.raises(Conflict, match="Pickup area is full today"):
        await book(tenant, far, service="jne:reg", pickup=True)
    cod = await weighed_order(tenant, cod=True)
    with pytest.raises(Conflict, match="does not collect cash on delivery"):
        await book(tenant, cod, service="jne:yes", pickup=True)
    assert await CourierShipment.count().where(CourierShipment.organization == org.org_id) == 0
    assert {await _order_state(tenant, o) for o in (far, heavy, cod)} == {"ready_to_ship"}


async def test_polling_catches_a_lost_webhook(courier):
    from app.domains.shipping.booking import book
    from app.domains.shipping.tracking import poll_due

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    shipment = await book(tenant, order_id, service="jne:reg", pickup=True)
    for status in ("picked", "dropping_off", "delivered"):
        courier.sandbox.set_status(shipment.booking_id, status, notify=False)  # every webhook lost
    swept = await poll_due(utcnow() + timedelta(hours=1))
    assert swept["applied"] >= 3
    assert (await _shipment(org.org_id, order_id)).state == "delivered"
    assert await _order_state(tenant, order_id) == "delivered"


async def test_cod_order_shows_cash_to_collect(courier, app):
    account = await make_account()
    org = await courier_org(courier, account=account)
    order_id = await weighed_order(Tenant(org.org_id), cod=True)
    async with http_client(app) as client:
        await login(client, account)
        panel = await client.get(f"/shipping/orders/{order_id}/panel")
    assert 'id="cod-panel"' in panel.text and "not remitted yet" in panel.text
    assert re.search(r'value="jne:yes"\s+disabled', panel.text)  # YES collects no cash


async def test_the_control_api_drives_the_status_progression_over_http(courier):
    from app.domains.shipping.booking import book

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    shipment = await book(tenant, order_id, service="sicepat:best", pickup=True)
    assert re.fullmatch(r"0025\d{8}", shipment.waybill)
    async with httpx.AsyncClient(base_url=f"{courier.sandbox_url}/_control/couriers") as control:
        for _step in range(3):  # confirmed -> allocated -> picking_up -> picked
            moved = await control.post(f"/orders/{shipment.waybill}/advance")
            assert moved.status_code == 200
        assert moved.json()["status"] == "picked"
        assert (await control.post(f"/orders/{shipment.waybill}/status", json={"status": "teleported"})).status_code == 400
        assert (await control.post("/orders/NOPE/advance")).status_code == 404
        await control.post("/flush")
    assert (await _shipment(org.org_id, order_id)).state == "picked"
    assert await _order_state(tenant, order_id) == "shipped"
    async with httpx.AsyncClient(base_url=f"{courier.sandbox_url}/biteship") as api:
        refused = await api.post("/v1/rates/couriers", json={}, headers={"authorization": "wrong-key"})
        assert refused.status_code == 401 and refused.json()["success"] is False


async def test_the_booking_job_books_what_waited(courier):
    from app.domains.shipping.booking import book
    from tasks.shipping import book_courier

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    courier.sandbox.outage = 2  # both of the transport's tries fail, then the courier is back
    waiting = await book(tenant, order_id, service="jne:reg", pickup=True)
    assert waiting.state == "waiting" and waiting.next_attempt_at is not None
    outcome = await book_courier({}, organization_id=org.org_id, shipment_id=waiting.id)
    assert outcome["state"] == "booked" and outcome["waybill"]
    assert (await _shipment(org.org_id, order_id)).reason == ""


async def test_the_demo_organisations_tracking_moves_by_the_sandboxs_webhooks(courier, marketplace):
    """`make run`: the mounted sandbox's courier account is registered with the demo organisation's
    receiver, so a status the courier sets arrives as a webhook (no polling)."""
    from app.demo import seed_demo
    from app.domains.shipping.booking import book
    from app.domains.stores.sandbox import register_demo_courier

    demo = await seed_demo()
    register_demo_courier(marketplace.state, courier.app_url)  # what mounted_sandbox() does with BASE_URL
    tenant = Tenant(int(demo["organization_id"]))
    order_id = await weighed_order(tenant)
    shipment = await book(tenant, order_id, service="jne:reg", pickup=True)
    assert shipment.state == "booked"
    courier.sandbox.set_status(shipment.booking_id, "picked")
    await courier.flush()
    assert (await _shipment(tenant.organization_id, order_id)).state == "picked"
    assert await _order_state(tenant, order_id) == "shipped"


async def test_cancelling_the_order_cancels_its_courier_booking_through_a_job(courier):
    from saq.job import Status

    from app.core.queue import get_queue
    from app.domains.orders import transition
    from app.domains.orders.tables import OrderEvent
    from app.domains.shipping.booking import book
    from app.integrations.errors import IntegrationError
    from tasks.shipping import cancel_courier

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    booked = await book(tenant, order_id, service="jne:reg", pickup=True)
    assert booked.state == "booked"

    await transition(tenant, order_id, "cancelled")
    jobs = [j async for j in get_queue().iter_jobs([Status.QUEUED])
            if j.function == "cancel_courier" and (j.kwargs or {}).get("order_id") == order_id]
    assert len(jobs) == 1 and jobs[0].kwargs["organization_id"] == org.org_id
    assert (await _shipment(org.org_id, order_id)).state == "booked", "the courier is called by the job, not the request"

    courier.sandbox.outage = -1  # the courier is down: the job fails for a retry, the booking stays
    with pytest.raises(IntegrationError):
        await cancel_courier({}, organization_id=org.org_id, order_id=order_id)
    assert (await _shipment(org.org_id, order_id)).state == "booked"
    courier.sandbox.outage = 0

    assert await cancel_courier({}, organization_id=org.org_id, order_id=order_id) == {"outcome": "cancelled"}
    assert (await _shipment(org.org_id, order_id)).state == "cancelled"
    assert courier.sandbox.orders[booked.booking_id].status == "cancelled"
    notes = [r["message"] for r in await OrderEvent.select(OrderEvent.message).where(OrderEvent.order == order_id)]
    assert any(booked.waybill in n and "cancelled with the order" in n for n in notes), notes
    # run again (a retry after all): nothing more happens
    assert await cancel_courier({}, organization_id=org.org_id, order_id=order_id) == {"outcome": "nothing"}


async def test_an_order_cancelled_after_pickup_asks_for_a_return_instead(courier):
    from app.domains.orders import transition
    from app.domains.orders.tables import OrderEvent
    from app.domains.shipping.booking import book
    from app.domains.shipping.tables import CourierShipment
    from tasks.shipping import cancel_courier

    org = await courier_org(courier)
    tenant = Tenant(org.org_id)
    order_id = await weighed_order(tenant)
    booked = await book(tenant, order_id, service="jne:reg", pickup=True)
    await CourierShipment.update({CourierShipment.state: "picked"}).where(CourierShipment.id == booked.id)
    await transition(tenant, order_id, "cancelled")
    assert await cancel_courier({}, organization_id=org.org_id, order_id=order_id) == {"outcome": "too late"}
    assert courier.sandbox.orders[booked.booking_id].status != "cancelled"
    notes = [r["message"] for r in await OrderEvent.select(OrderEvent.message).where(OrderEvent.order == order_id)]
    assert any("arrange its return" in n for n in notes), notes
