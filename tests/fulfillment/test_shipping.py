"""Shipping manual orders, labels, slips and the manifest: typed courier and tracking number,
stock committed, shipping twice ships once, cancelled and unpacked orders refused."""

from __future__ import annotations

from app.domains.fulfillment import packing
from app.domains.fulfillment.tables import Shipment
from app.domains.inventory.tables import StockLevel
from app.domains.orders.services import transition
from app.domains.orders.tables import Order
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.support import post


async def _packed_order(tenant, units: int = 2):
    variant = await stocked_variant(tenant, units=10)
    order_id = await ready_order(tenant, [(variant, units)])
    for _ in range(units):
        await packing.scan_item(tenant, order_id, variant["barcode"])
    return variant, order_id


async def _order(order_id):
    return await Order.select().where(Order.id == order_id).first()


async def _level(variant_id):
    row = await StockLevel.select().where(StockLevel.variant == variant_id).first()
    return row["on_hand"], row["reserved"]


async def test_a_manual_order_ships_with_a_typed_tracking_number_and_commits_stock(owner_client):
    tenant = tenant_of(owner_client.account)
    variant, order_id = await _packed_order(tenant)
    assert await _level(variant["id"]) == (10, 2)
    form = await owner_client.get(f"/fulfillment/orders/{order_id}/ship")
    assert form.status_code == 200 and 'name="tracking_number"' in form.text
    shipped = await post(owner_client, f"/fulfillment/orders/{order_id}/ship",
                         {"carrier": "JNE", "tracking_number": "JNE0012345678"}, htmx=True)
    assert shipped.status_code == 200 and "JNE0012345678" in shipped.text and "Stock deducted" in shipped.text
    row = await _order(order_id)
    assert (row["state"], row["tracking_number"], row["shipping_carrier"]) == ("shipped", "JNE0012345678", "JNE")
    assert await _level(variant["id"]) == (8, 0)

    again = await post(owner_client, f"/fulfillment/orders/{order_id}/ship",
                       {"carrier": "SiCepat", "tracking_number": "OTHER"}, htmx=True)
    assert again.status_code == 200 and "Already shipped" in again.text
    assert (await _order(order_id))["tracking_number"] == "JNE0012345678"
    assert await _level(variant["id"]) == (8, 0), "shipping twice ships once"
    assert await Shipment.count().where(Shipment.order == order_id) == 1

    label = await owner_client.get(f"/fulfillment/orders/{order_id}/label")
    assert label.status_code == 200 and "<svg" in label.text and 'aria-label="JNE0012345678"' in label.text
    assert "Packing slip" in label.text and variant["sku"] in label.text
    slip = await owner_client.get(f"/fulfillment/orders/{order_id}/packing-slip")
    assert slip.status_code == 200 and variant["sku"] in slip.text
    manifest = await owner_client.get("/fulfillment/manifest")
    assert manifest.status_code == 200 and "JNE0012345678" in manifest.text and "JNE" in manifest.text


async def test_a_manual_order_needs_courier_and_tracking_number(owner_client):
    tenant = tenant_of(owner_client.account)
    variant, order_id = await _packed_order(tenant)
    refused = await post(owner_client, f"/fulfillment/orders/{order_id}/ship", {"carrier": "JNE"}, htmx=True)
    assert refused.status_code == 422 and "tracking number" in refused.text
    assert (await _order(order_id))["state"] == "packed" and await _level(variant["id"]) == (10, 2)


async def test_a_cancelled_order_cannot_be_shipped_and_nothing_changes(owner_client):
    tenant = tenant_of(owner_client.account)
    variant, order_id = await _packed_order(tenant)
    await transition(tenant, order_id, "cancelled")
    before = await _level(variant["id"])
    refused = await post(owner_client, f"/fulfillment/orders/{order_id}/ship",
                         {"carrier": "JNE", "tracking_number": "JNE999"}, htmx=True)
    assert refused.status_code == 409 and "cancelled: it cannot be shipped" in refused.text
    row = await _order(order_id)
    assert (row["state"], row["tracking_number"]) == ("cancelled", "")
    assert await _level(variant["id"]) == before
    assert await Shipment.count().where(Shipment.order == order_id) == 0


async def test_an_unpacked_order_is_sent_to_the_packing_bench(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    refused = await post(owner_client, f"/fulfillment/orders/{order_id}/ship",
                         {"carrier": "JNE", "tracking_number": "JNE1"}, htmx=True)
    assert refused.status_code == 409 and "pack it first" in refused.text
    assert (await _order(order_id))["state"] == "ready_to_ship"


async def test_the_warehouse_page_lists_ready_and_packed_orders(owner_client):
    tenant = tenant_of(owner_client.account)
    ready = await ready_order(tenant, [(await stocked_variant(tenant), 1)], customer="Pembeli Siap")
    _variant, packed = await _packed_order(tenant)
    page = await owner_client.get("/fulfillment")
    assert page.status_code == 200 and "Pembeli Siap" in page.text
    assert f'value="{ready}"' in page.text and f"/fulfillment/orders/{packed}/ship" in page.text
    nav = await owner_client.get("/")
    assert 'href="/fulfillment"' in nav.text


async def test_the_warehouse_role_packs_and_ships_but_a_viewer_cannot(app, owner):
    from tests.support import add_member, http_client, login

    tenant = tenant_of(owner)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    packer, viewer = await add_member(owner.org_id, "warehouse"), await add_member(owner.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        assert (await client.get("/fulfillment")).status_code == 403
        refused = await post(client, "/fulfillment/pack", {"code": "M-00001"}, htmx=True)
        assert refused.status_code == 403
    async with http_client(app) as client:
        await login(client, packer)
        assert (await client.get("/fulfillment")).status_code == 200
        opened = await post(client, "/fulfillment/pack", {"code": "M-00001"}, htmx=True)
        assert opened.status_code == 200 and f'value="{order_id}"' in opened.text
