"""Live courier rates at website checkout, and shipping's forms the way a browser posts them."""

from __future__ import annotations

import asyncio
import random

from app.core.tenancy import Tenant
from tests.shipping.conftest import courier_org, weighed_order
from tests.support import http_client, login, make_account, post
from tests.website.factories import buyer, seeded_shop


async def test_checkout_offers_live_courier_rates_beside_the_sellers_rate(courier, client):
    from app.domains.orders import get_order

    shop = await seeded_shop(10, price=50_000)
    await courier_org(courier, org_id=shop.tenant.organization_id, services=["jne:reg", "jne:yes", "jnt:ez"])
    added = await post(client, f"/shop/{shop.slug}/cart/add", {"variant_id": str(shop.variant["id"]), "quantity": "2"})
    assert added.status_code in (200, 303)
    page = await client.get(f"/shop/{shop.slug}/checkout", params={
        "province": "32", "regency": "32.01", "district": "32.01.01", "village": "32.01.01.1001"})
    assert page.status_code == 200
    text = page.text
    assert 'value="seller"' in text and 'value="courier:jne:reg"' in text and 'value="courier:jnt:ez"' in text
    assert "Rp 18.000" in text and "2–3 hari" in text and "tanpa COD" in text  # 12190 -> 16914: zone 2 (shop in Indonesian)
    lines = [{"variant_id": shop.variant["id"], "quantity": 1}]
    phone = f"0813{random.randrange(10**7, 10**8)}"  # a phone of its own: the suite's checkouts count per phone
    refused = await client.post(f"/api/storefront/{shop.slug}/checkout",
                                json=buyer(phone, lines=lines, shipping="courier:jne:yes"))  # COD with YES
    assert refused.status_code == 422 and "(COD)" in refused.json()["errors"]["shipping"]
    placed = await client.post(f"/api/storefront/{shop.slug}/checkout", json=buyer(phone, lines=lines, shipping="courier:jne:reg"))
    assert placed.status_code == 201, placed.text
    order_id = (await get_order_by_number(shop.tenant, placed.json()["order_number"]))
    order = await get_order(shop.tenant, order_id)
    assert order.shipping_fee == 18_000 + 2_500  # the courier's price and its COD fee
    assert order.address["shipping"] == "courier:jne:reg"


async def get_order_by_number(tenant: Tenant, number: str) -> int:
    from app.domains.orders.tables import Order

    row = await tenant.scoped(Order).select(Order.id).where(Order.platform_order_id == number).first()
    return row["id"]


async def test_settings_form_as_posted(courier, app):
    from app.domains.audit.tables import AuditEntry
    from app.domains.shipping.tables import ShippingOrigin, ShippingSettings

    account = await make_account()
    async with http_client(app) as client:
        await login(client, account)
        page = await client.get("/settings/shipping/")
        assert page.status_code == 200 and "/shipping/webhooks/" in page.text
        location = int(page.text.split('name="contact_name_')[1].split('"')[0])
        empty = {"api_key": "", "webhook_header": "", "webhook_secret": "", f"contact_name_{location}": "",
                 f"phone_{location}": "", f"address_{location}": "", f"postal_code_{location}": ""}
        first = await post(client, "/settings/shipping/", empty)
        assert first.status_code == 422 and "A header name has 3 to 64" in first.text
        on_without_keys = await post(client, "/settings/shipping/", {**empty, "enabled": "on", "webhook_header": "x-t"})
        assert on_without_keys.status_code == 422
        assert "API key" in on_without_keys.text and "Tick at least one courier service" in on_without_keys.text
        junk = await post(client, "/settings/shipping/", {
            **empty, "webhook_header": "x-tok", "services": ["jne:reg", "dhl:express"],
            f"contact_name_{location}": "Gudang", f"phone_{location}": "0812", f"address_{location}": "Jl. A 1",
            f"postal_code_{location}": "12ab"})
        assert junk.status_code == 422 and "Choose courier services from the list" in junk.text
        assert "A postal code has 5 digits" in junk.text
        assert await ShippingSettings.count().where(ShippingSettings.enabled == True  # noqa: E712
                                                    ) .where(ShippingSettings.organization == account.org_id) == 0
        good = await post(client, "/settings/shipping/", {
            **empty, "enabled": "on", "api_key": "biteship_test.secret-key-123", "services": ["jne:reg", "jnt:ez"],
            "webhook_header": "X-My-Token", "webhook_secret": "a-long-secret-value-42",
            f"contact_name_{location}": "Gudang", f"phone_{location}": "0812", f"address_{location}": "Jl. A 1",
            f"postal_code_{location}": "12190"})
        assert good.status_code == 303, good.text[:500]
        again = await client.get("/settings/shipping/")
    assert "biteship_test.secret-key-123" not in again.text and "a-long-secret-value-42" not in again.text
    assert again.text.count("saved</span>") == 2 and 'value="x-my-token"' in again.text
    row = await ShippingSettings.select().where(ShippingSettings.organization == account.org_id).first()
    assert row["enabled"] and row["api_key"] != "biteship_test.secret-key-123"  # encrypted at rest
    assert await ShippingOrigin.count().where(ShippingOrigin.organization == account.org_id) == 1
    audit = await AuditEntry.select(AuditEntry.after).where((AuditEntry.organization == account.org_id)
                                                        & (AuditEntry.action == "shipping.settings")).output(
        load_json=True).first()
    assert audit["after"]["shipping_keys_changed"] == ["courier_api_key", "webhook_secret"]


async def test_book_form_as_posted_refuses_junk_and_changes_nothing(courier, app):
    from app.domains.shipping.tables import CourierShipment

    account = await make_account()
    org = await courier_org(courier, account=account, services=["jne:reg"])
    order_id = await weighed_order(Tenant(org.org_id))
    async with http_client(app) as client:
        await login(client, account)
        nothing = await post(client, f"/shipping/orders/{order_id}/book", {}, htmx=True)
        junk = await post(client, f"/shipping/orders/{order_id}/book", {
            "service": "jne:reg", "destination_postal": "40115", "weight_grams": "abc"}, htmx=True)
        disabled = await post(client, f"/shipping/orders/{order_id}/book", {
            "service": "sicepat:best", "handover": "pickup", "destination_postal": "40115", "weight_grams": ""},
            htmx=True)
        no_postal = await post(client, f"/shipping/orders/{order_id}/book", {
            "service": "jne:reg", "handover": "dropoff", "destination_postal": "4011", "weight_grams": "900"}, htmx=True)
        weird_handover = await post(client, f"/shipping/orders/{order_id}/book", {
            "service": "jne:reg", "handover": "teleport"}, htmx=True)
    assert nothing.status_code == 422 and "Choose a courier service" in nothing.text
    assert junk.status_code == 422 and "weight in grams" in junk.text
    assert disabled.status_code == 422 and "Choose one of the courier services you enabled" in disabled.text
    assert no_postal.status_code == 422 and "5-digit postal code" in no_postal.text
    assert weird_handover.status_code == 422 and "Choose pickup or drop-off" in weird_handover.text
    assert await CourierShipment.count().where(CourierShipment.organization == org.org_id) == 0


async def test_bulk_book_from_the_queue_runs_as_a_job(courier, app, worker):
    from app.domains.jobs.tables import BackgroundJob
    from app.domains.shipping.tables import CourierShipment

    account = await make_account()
    org = await courier_org(courier, account=account, services=["jne:reg", "jnt:ez"])
    tenant = Tenant(org.org_id)
    first, second = await weighed_order(tenant), await weighed_order(tenant, postal="99111")
    async with http_client(app) as client:
        await login(client, account)
        none = await post(client, "/shipping/bulk-book", {"back": "/orders/", "handover": "pickup"})
        assert none.status_code == 303 and none.headers["location"] == "/orders/"
        bench = await post(client, "/shipping/bulk-book", {"back": "/fulfillment/", "handover": "pickup"}, htmx=True)
        assert bench.status_code == 200 and bench.headers["hx-redirect"] == "/fulfillment/"  # the warehouse page's button
        queue = await client.get("/orders/")
        assert 'formaction="/shipping/bulk-book"' in queue.text
        started = await post(client, "/shipping/bulk-book", {"order_id": [str(first), str(second)],
                                                             "back": "/orders/", "handover": "pickup"})
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job_id = int(started.headers["location"].rsplit("/", 1)[1])
    job = None
    for _ in range(300):
        job = await BackgroundJob.select().where(BackgroundJob.id == job_id).output(load_json=True).first()
        if job["status"] in ("complete", "failed"):
            break
        await asyncio.sleep(0.1)
    assert job and job["status"] == "complete", job
    shipments = {r["order"]: r for r in await CourierShipment.select().where(CourierShipment.organization == org.org_id)}
    assert shipments[first]["state"] == "booked" and shipments[first]["courier"] == "jnt"  # the cheapest (35.000)
    assert second in shipments and shipments[second]["courier"] == "jne"  # only JNE serves 99111
