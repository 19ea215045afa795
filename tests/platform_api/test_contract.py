"""The REST API's contract, endpoint by endpoint, over HTTP against the app on the real database
and Redis: shapes, status codes, cursor pages, the same validation as the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domains.inventory import default_location
from tests.inventory.factories import make_variant, tenant_of
from tests.platform_api.factories import bearer, make_key
from tests.support import http_client, make_account


@pytest.fixture
async def api(app):
    account = await make_account()
    _key_id, secret = await make_key(account)
    async with http_client(app) as client:
        client.headers.update(bearer(secret))
        client.account = account
        client.tenant = tenant_of(account)
        yield client


async def _stocked_variant(tenant, units: int = 10) -> tuple[dict, int]:
    from app.domains.inventory import receive

    variant = await make_variant(tenant)
    location = await default_location(tenant)
    await receive(tenant, variant["id"], location.id, units, reason="opening")
    return variant, location.id


async def test_products_list_pages_with_a_cursor_and_detail_matches(api):
    made = [await make_variant(api.tenant, name=f"Batik {i}") for i in range(3)]
    first = await api.get("/api/v1/products", params={"limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [p["name"] for p in page["items"]] == ["Batik 0", "Batik 1"]
    assert page["items"][0]["variants"][0]["sku"] == made[0]["sku"]
    second = (await api.get("/api/v1/products", params={"limit": 2, "cursor": page["next_cursor"]})).json()
    assert [p["name"] for p in second["items"]] == ["Batik 2"] and second["next_cursor"] is None
    one = await api.get(f"/api/v1/products/{made[1]['product']}")
    assert one.status_code == 200 and one.json()["name"] == "Batik 1"
    variant = await api.get(f"/api/v1/variants/{made[1]['id']}")
    assert variant.status_code == 200 and variant.json()["price"] == 125_000
    assert (await api.get("/api/v1/products", params={"q": made[2]["sku"].lower()})).json()["items"][0]["name"] == "Batik 2"


async def test_create_and_patch_a_product_as_the_product_form_does(api):
    created = await api.post("/api/v1/products", json={
        "name": "Kemeja Linen", "category": "Fashion",
        "variants": [{"sku": "kml-s", "price": 250000}, {"sku": "KML-M", "price": 260000}]})
    assert created.status_code == 201, created.text
    product = created.json()
    assert [v["sku"] for v in product["variants"]] == ["KML-S", "KML-M"]
    patched = await api.patch(f"/api/v1/products/{product['id']}", json={"name": "Kemeja Linen Premium"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == "Kemeja Linen Premium"
    assert [v["price"] for v in patched.json()["variants"]] == [250000, 260000]
    duplicate = await api.post("/api/v1/products", json={"name": "Lain", "variants": [{"sku": "KML-S"}]})
    assert duplicate.status_code in (409, 422)
    assert duplicate.headers["content-type"].startswith("application/problem+json")


async def test_locations_and_stock_levels(api):
    variant, location_id = await _stocked_variant(api.tenant, 7)
    locations = await api.get("/api/v1/locations")
    assert locations.status_code == 200 and location_id in [loc["id"] for loc in locations.json()]
    levels = await api.get("/api/v1/stock", params={"location_id": location_id})
    assert levels.status_code == 200
    row = next(r for r in levels.json()["items"] if r["variant"] == variant["id"])
    assert (row["on_hand"], row["reserved"], row["available"]) == (7, 0, 7)


async def test_stock_adjustment_with_idempotency_key_changes_stock_once(api):
    variant, location_id = await _stocked_variant(api.tenant, 10)
    body = {"variant_id": variant["id"], "location_id": location_id, "delta": -3, "reason": "damaged"}
    headers = {"Idempotency-Key": "adj-0001"}
    first = await api.post("/api/v1/stock/adjustments", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["on_hand"] == 7
    again = await api.post("/api/v1/stock/adjustments", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await api.post("/api/v1/stock/adjustments", json={**body, "delta": -4}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    from app.domains.inventory import levels

    assert [lv.on_hand for lv in await levels(api.tenant, [variant["id"]])] == [7]
    without = await api.post("/api/v1/stock/adjustments", json={**body, "delta": 1})
    assert without.json()["on_hand"] == 8


async def test_adjustment_refused_by_the_service_changes_nothing(api):
    variant, location_id = await _stocked_variant(api.tenant, 2)
    no_reason = await api.post("/api/v1/stock/adjustments",
                               json={"variant_id": variant["id"], "location_id": location_id, "delta": 1, "reason": " "})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [{"field": "reason", "message": no_reason.json()["detail"]}]
    too_many = await api.post("/api/v1/stock/adjustments", json={"variant_id": variant["id"], "location_id": location_id,
                                                                 "delta": -5, "reason": "lost"},
                              headers={"Idempotency-Key": "k-too-many"})
    assert too_many.status_code in (409, 422)
    from app.domains.inventory import levels

    assert [lv.on_hand for lv in await levels(api.tenant, [variant["id"]])] == [2]
    # a failed call keeps nothing under its key: the corrected retry runs
    fixed = await api.post("/api/v1/stock/adjustments", json={"variant_id": variant["id"], "location_id": location_id,
                                                              "delta": -5, "reason": "lost"},
                           headers={"Idempotency-Key": "k-too-many"})
    assert fixed.status_code == too_many.status_code


async def test_orders_manual_create_list_detail_transition_and_updated_since(api):
    variant, _location = await _stocked_variant(api.tenant, 5)
    created = await api.post("/api/v1/orders", json={
        "customer_name": "Siti Aminah", "phone": "0812-3456-7890", "address": "Jl. Merdeka 1, Bandung",
        "shipping_fee": 15000, "lines": [{"sku": variant["sku"], "quantity": 2}]})
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["state"] == "ready_to_ship" and order["total"] == 2 * 125_000 + 15000
    assert order["lines"][0]["quantity"] == 2 and "picking" in order["next_states"]
    listed = (await api.get("/api/v1/orders")).json()
    assert [o["id"] for o in listed["items"]] == [order["id"]] and listed["next_cursor"] is None
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (await api.get("/api/v1/orders", params={"updated_since": later})).json()["items"] == []
    moved = await api.post(f"/api/v1/orders/{order['id']}/transition", json={"state": "picking"})
    assert moved.status_code == 200 and moved.json()["state"] == "picking"
    refused = await api.post(f"/api/v1/orders/{order['id']}/transition", json={"state": "delivered"})
    assert refused.status_code == 409
    assert (await api.get(f"/api/v1/orders/{order['id']}")).json()["state"] == "picking"
    assert (await api.get("/api/v1/orders", params={"state": "picking"})).json()["items"][0]["id"] == order["id"]
    assert (await api.get("/api/v1/orders", params={"state": "nope"})).status_code == 422


async def test_manual_order_with_an_unknown_sku_is_refused_and_saves_nothing(api):
    response = await api.post("/api/v1/orders", json={"customer_name": "Budi", "lines": [{"sku": "NOPE", "quantity": 1}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line-0"
    assert (await api.get("/api/v1/orders")).json()["items"] == []


async def test_customers_shipments_and_ship_a_manual_order(api):
    variant, _location = await _stocked_variant(api.tenant, 5)
    order = (await api.post("/api/v1/orders", json={"customer_name": "Rina", "phone": "081299990000",
                                                    "lines": [{"sku": variant["sku"], "quantity": 1}]})).json()
    customers = (await api.get("/api/v1/customers")).json()
    assert customers[0]["name"] == "Rina" and customers[0]["orders"] == 1
    not_packed = await api.post(f"/api/v1/orders/{order['id']}/ship", json={"carrier": "JNE", "tracking_number": "JN1"})
    assert not_packed.status_code == 409
    for state in ("picking", "packed"):
        assert (await api.post(f"/api/v1/orders/{order['id']}/transition", json={"state": state})).status_code == 200
    shipped = await api.post(f"/api/v1/orders/{order['id']}/ship", json={"carrier": "JNE", "tracking_number": "JN123"})
    assert shipped.status_code == 200, shipped.text
    assert shipped.json()["status"] == "shipped" and shipped.json()["tracking_number"] == "JN123"
    shipments = (await api.get("/api/v1/shipments", params={"order_id": order["id"]})).json()["items"]
    assert [(s["order"], s["carrier"]) for s in shipments] == [(order["id"], "JNE")]


async def test_sales_report_counts_orders_and_revenue(api):
    variant, _location = await _stocked_variant(api.tenant, 5)
    await api.post("/api/v1/orders", json={"customer_name": "A", "lines": [{"sku": variant["sku"], "quantity": 1}]})
    report = await api.get("/api/v1/reports/sales")
    assert report.status_code == 200, report.text
    assert report.json()["orders"] == 1 and report.json()["revenue"] == 125_000
    assert report.json()["by_channel"] == {"manual": 125_000}
    bad = await api.get("/api/v1/reports/sales", params={"since": "2026-12-05T00:00:00+07:00",
                                                         "until": "2026-12-01T00:00:00+07:00"})
    assert bad.status_code == 422


async def test_openapi_schema_documents_the_api_and_docs_page_lists_it(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/orders" in schema["paths"] and "/api/storefront/{shop}/products" in schema["paths"]
    assert schema["components"]["securitySchemes"]["BearerKey"]["scheme"] == "bearer"
    docs = await client.get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/stock/adjustments" in docs.text and "problem+json" in docs.text


async def test_the_key_endpoint_names_the_calling_key(api):
    response = await api.get("/api/v1/key")
    assert response.status_code == 200
    body = response.json()
    assert body["organization_id"] == api.account.org_id and "orders:write" in body["scopes"]
    assert api.headers["Authorization"].startswith(f"Bearer ssk_{body['prefix']}_")
