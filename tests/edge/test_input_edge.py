"""Input is checked once, at the edge, for every route: empty filters mean "no filter", hostile
values (NUL, numbers past a column's range, JSON nested too deeply) are refused with a sentence
and change nothing, and no answer is ever a raw JSON error body or a stack trace."""

from __future__ import annotations

import json

from app.core.edge import json_depth
from app.domains.inventory.tables import StockMovement
from app.domains.listings.tables import StoreLocation
from app.domains.orders.tables import Order
from app.integrations.shopee import signing as shopee_signing
from app.settings import get_settings
from tests.inventory.factories import make_location, tenant_of
from tests.support import http_client, make_account, post
from tests.tenancy_registry import ROW_FACTORIES

APP_URL = "http://testserver.local"


def assert_page(response, status: int) -> None:
    """An answer a person can read: the app's HTML, never JSON or a traceback."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    assert "Traceback" not in response.text and '"status_code"' not in response.text


async def test_forms_sent_with_empty_filters_mean_no_filter(owner_client):
    for url in ["/orders?state=&q=&store=&from=&to=&tag=", "/orders?state=&q=&store=&from=&to=&tag=&after=",
                "/inventory?q=&location=", "/inventory?q=&location=&low=", "/inventory/movements?location=&kind=",
                "/inventory/movements?variant=&location=&kind=&after=", "/products?q=&stock=&after="]:
        response = await owner_client.get(url)
        assert_page(response, 200)
    export = await owner_client.get("/inventory/movements.csv?variant=&location=&kind=")
    assert export.status_code == 200 and export.text.startswith("time,sku,location")


async def test_a_parameter_of_the_wrong_type_answers_a_translated_page_and_an_htmx_flash(owner_client):
    page = await owner_client.get("/orders?store=abc")
    assert_page(page, 400)
    assert "could not be understood" in page.text
    fragment = await owner_client.get("/orders?store=abc", headers={"HX-Request": "true"})
    assert fragment.status_code == 400 and fragment.headers["HX-Retarget"] == "#flash"
    assert 'class="flash flash-error"' in fragment.text and "<html" not in fragment.text
    await post(owner_client, "/language", {"locale": "id"})
    translated = await owner_client.get("/orders?store=abc")
    assert_page(translated, 400)
    assert "could not be understood" not in translated.text


async def test_numbers_past_a_columns_range_are_refused_not_a_500(owner_client):
    for url in ["/orders?after=99999999999999999999", "/inventory?after=99999999999999999999",
                "/inventory/movements?location=2147483648", "/products?after=-99999999999", "/orders/99999999999"]:
        response = await owner_client.get(url)
        assert response.status_code in (400, 404), (url, response.status_code)
        assert_page(response, response.status_code)
    location = await make_location(tenant_of(owner_client.account))
    moves = await StockMovement.count()
    response = await post(owner_client, "/inventory/adjust", {"code": "X", "location_id": "99999999999999999999",
                                                              "delta": "1", "reason": ""})
    assert response.status_code in (400, 422)
    response = await post(owner_client, "/inventory/counts", {"location_id": "99999999999999999999", "note": ""})
    assert_page(response, 400)
    assert await StockMovement.count() == moves and location


async def test_nul_bytes_are_refused_everywhere_and_change_nothing(owner_client):
    orders = await Order.count()
    assert_page(await owner_client.get("/orders?q=a%00b"), 400)
    assert_page(await owner_client.get("/customers?q=%00"), 400)
    response = await post(owner_client, "/orders", {"customer_name": "Rina\x00", "phone": "", "address": "Jl. A",
                                                    "email": "", "shipping_fee": "", "discount": "",
                                                    "line-0-code": "X", "line-0-qty": "1"})
    assert_page(response, 400)
    assert "NUL" in response.text
    assert await Order.count() == orders
    async with http_client(owner_client._transport.app) as anonymous:
        await anonymous.get("/login")
        assert_page(await post(anonymous, "/login", {"email": "a\x00@example.id", "password": "x"}), 400)


async def test_allocation_rule_saves_and_shows_the_page(owner_client):
    response = await post(owner_client, "/sync/allocation", {"threshold": "3", "sku": ""})
    assert_page(response, 200)
    assert 'value="3"' in response.text
    refused = await post(owner_client, "/sync/allocation", {"threshold": "lots", "sku": ""})
    assert_page(refused, 422)


async def test_a_store_goes_back_to_every_location_when_none_is_ticked(owner_client):
    tenant = tenant_of(owner_client.account)
    store_id = await ROW_FACTORIES["store_id"](owner_client.account)
    location = await make_location(tenant)
    response = await post(owner_client, f"/stores/{store_id}/locations", {"location": str(location["id"])})
    assert response.status_code == 303
    assert await StoreLocation.count().where(StoreLocation.store == store_id) == 1
    response = await post(owner_client, f"/stores/{store_id}/locations", {})
    assert response.status_code == 303
    assert await StoreLocation.count().where(StoreLocation.store == store_id) == 0


async def test_a_pick_list_with_nothing_ticked_says_so(owner_client):
    response = await post(owner_client, "/fulfillment/picklists", {})
    assert_page(response, 422)


def test_json_depth_counts_nesting_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[["}]}') == 3
    assert json_depth(b'"\\"[["') == 0


async def test_a_signed_webhook_nested_too_deeply_is_refused(app):
    body = ("[" * 5000 + "]" * 5000).encode()
    body = json.dumps({"code": 3, "shop_id": 1, "data": "x"}).encode()[:-1] + b', "deep": ' + body + b"}"
    sign = shopee_signing.push_sign(get_settings().shopee_partner_key, callback_url=f"{APP_URL}/webhooks/shopee",
                                    body=body)
    async with http_client(app) as client:
        response = await client.post("/webhooks/shopee", content=body,
                                     headers={"Authorization": sign, "Content-Type": "application/json"})
    assert response.status_code == 400


async def test_an_unexpected_error_is_a_friendly_page(app, monkeypatch):
    from app.domains.orders import services

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "list_orders", broken)
    account = await make_account()
    async with http_client(app) as client:
        from tests.support import login

        await login(client, account)
        response = await client.get("/orders")
        assert_page(response, 500)
        assert "boom" not in response.text and "Something went wrong" in response.text
        fragment = await client.get("/orders?q=x", headers={"HX-Request": "true"})
        assert fragment.status_code == 500 and fragment.headers["HX-Retarget"] == "#flash"


async def test_a_wrong_method_or_an_unknown_page_is_a_page_too(owner_client):
    wrong = await owner_client.get("/inventory/adjust")
    assert_page(wrong, 405)
    assert "not available here" in wrong.text
    assert_page(await owner_client.get("/no-such-page"), 404)
