"""Shipping marketplace orders through the sandbox over HTTP: the ship panel sends the order to its
marketplace in a job (run here as the worker runs it), the adapter arranges pickup (or drop-off),
the tracking number comes back and is stored, stock is committed; shipping twice calls the
marketplace once; a cancelled order is refused without a call."""

from __future__ import annotations

from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.fulfillment import packing
from app.domains.fulfillment.tables import Shipment
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockLevel
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.services import transition
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop
from tests.support import post


async def _marketplace_order(client, sandbox, platform: str, qty: int = 2):
    """A connected store, a master variant with stock, and a real marketplace order ingested."""
    tenant = tenant_of(client.account)
    shop = new_shop(sandbox, platform)
    await connect(client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    product = next(iter(shop.products.values()))
    sku = product.skus[0].seller_sku
    await create_product(tenant, ProductForm(name="Kemeja Batik", variants=[VariantForm(sku=sku, price=150_000)]))
    variant = (await variants_by_sku(tenant, [sku]))[sku.upper()]
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)
    status = {"shopee": "READY_TO_SHIP", "lazada": "pending"}.get(platform, "AWAITING_SHIPMENT")
    placed = sandbox.create_order(platform, shop.shop_id, lines=[(product.product_id, product.skus[0].sku_id, qty)],
                                  status=status, push=False)
    await fetch_store_orders(tenant, store["id"])
    row = await Order.select().where((Order.store == store["id"]) & (Order.platform_order_id == placed.order_id)).first()
    assert row["state"] == "ready_to_ship" and row["stock_state"] == "reserved"
    return tenant, shop, placed, variant, row["id"]


async def _pack(tenant, order_id, variant, qty):
    for _ in range(qty):
        await packing.scan_item(tenant, order_id, variant["sku"])


async def _shipped(client, tenant, order_id):
    """Press "Arrange shipment", let the job run, and read the ship panel as its polling does."""
    from app.domains.fulfillment.platform_actions import run_action
    from app.domains.fulfillment.tables import OrderAction

    pressed = await post(client, f"/fulfillment/orders/{order_id}/ship", {}, htmx=True)
    assert pressed.status_code == 200 and "Arranging the shipment" in pressed.text, pressed.text[:500]
    for action in await OrderAction.select(OrderAction.id).where(
            (OrderAction.order == order_id) & (OrderAction.status == "pending")):
        await run_action(tenant, action["id"])
    return await client.get(f"/fulfillment/orders/{order_id}/ship", headers={"HX-Request": "true"})


async def _level(variant_id):
    row = await StockLevel.select().where(StockLevel.variant == variant_id).first()
    return row["on_hand"], row["reserved"]


async def test_a_shopee_order_ships_through_the_sandbox_with_its_tracking_number(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee")
    await _pack(tenant, order_id, variant, 2)
    sandbox.reset_calls()
    shipped = await _shipped(owner_client, tenant, order_id)
    assert shipped.status_code == 200, shipped.text[:500]
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "shipped" and row["stock_state"] == "committed"
    assert row["tracking_number"] == shop.orders[placed.order_id].tracking_number and row["tracking_number"].startswith("SPX")
    assert row["tracking_number"] in shipped.text
    assert shop.orders[placed.order_id].shipped_via == "pickup", "the sandbox offers pickup, so pickup is chosen"
    assert await _level(variant["id"]) == (3, 0)

    again = await post(owner_client, f"/fulfillment/orders/{order_id}/ship", {}, htmx=True)
    assert again.status_code == 200 and "Already shipped" in again.text
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/ship_order")) == 1, "shipping twice ships once"
    assert await _level(variant["id"]) == (3, 0)
    shipment = await Shipment.select().where(Shipment.order == order_id).first()
    assert (shipment["status"], shipment["mode"]) == ("shipped", "pickup")
    manifest = await owner_client.get("/fulfillment/manifest")
    assert row["tracking_number"] in manifest.text


async def test_a_tiktok_order_ships_through_its_package(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "tiktok", qty=1)
    await _pack(tenant, order_id, variant, 1)
    shipped = await _shipped(owner_client, tenant, order_id)
    assert shipped.status_code == 200, shipped.text[:500]
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "shipped" and row["tracking_number"] == shop.orders[placed.order_id].tracking_number
    assert row["tracking_number"].startswith("JX") and await _level(variant["id"]) == (4, 0)


async def test_a_cancelled_marketplace_order_is_refused_without_calling_the_marketplace(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee")
    await transition(tenant, order_id, "cancelled")
    sandbox.reset_calls()
    refused = await post(owner_client, f"/fulfillment/orders/{order_id}/ship", {}, htmx=True)
    assert refused.status_code == 409 and "cancelled: it cannot be shipped" in refused.text
    assert not sandbox.calls_to("shopee", "/api/v2/logistics/ship_order", outcome=None)
    row = await Order.select().where(Order.id == order_id).first()
    assert (row["state"], row["tracking_number"]) == ("cancelled", "") and await _level(variant["id"]) == (5, 0)


async def test_a_marketplace_refusal_leaves_the_order_packed_and_can_be_retried(owner_client, sandbox):
    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await _pack(tenant, order_id, variant, 1)
    sandbox.set_order_status("shopee", shop.shop_id, placed.order_id, "SHIPPED", push=False)
    refused = await _shipped(owner_client, tenant, order_id)
    assert "did not arrange the shipment" in refused.text and "Arrange shipment" in refused.text
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "packed" and await _level(variant["id"]) == (5, 1)
    assert await Shipment.count().where(Shipment.order == order_id) == 0, "the claim is released for a retry"


async def test_without_a_tracking_number_yet_the_shipment_waits_and_a_retry_reads_it(owner_client, sandbox, monkeypatch):
    from app.integrations.shopee.adapter import ShopeeAdapter

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await _pack(tenant, order_id, variant, 1)

    async def not_yet(self, conn, order_sn):
        return None  # the platform has arranged the pickup but not yet assigned a number

    with monkeypatch.context() as patch:
        patch.setattr(ShopeeAdapter, "tracking_number", not_yet)
        waiting = await _shipped(owner_client, tenant, order_id)
    assert waiting.status_code == 200 and "waiting for the tracking number" in waiting.text
    assert "Get the tracking number" in waiting.text
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "packed" and await _level(variant["id"]) == (5, 1)
    sandbox.reset_calls()
    retried = await _shipped(owner_client, tenant, order_id)
    assert retried.status_code == 200 and shop.orders[placed.order_id].tracking_number in retried.text
    assert not sandbox.calls_to("shopee", "/api/v2/logistics/ship_order", outcome=None), "arranged once only"
    row = await Order.select().where(Order.id == order_id).first()
    assert row["state"] == "shipped" and await _level(variant["id"]) == (4, 0)


async def test_a_later_platform_status_does_not_make_a_shipped_order_ship_again(owner_client, sandbox):
    from app.domains.orders.fetch import fetch_store_orders

    tenant, shop, placed, variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    await _pack(tenant, order_id, variant, 1)
    await _shipped(owner_client, tenant, order_id)
    store_id = (await Order.select(Order.store).where(Order.id == order_id).first())["store"]
    await fetch_store_orders(tenant, store_id)  # reads the platform's PROCESSED status of the handed-over parcel
    sandbox.reset_calls()
    again = await post(owner_client, f"/fulfillment/orders/{order_id}/ship", {}, htmx=True)
    assert again.status_code == 200 and "Already shipped" in again.text
    assert not sandbox.calls_to("shopee", "/api/v2/logistics/ship_order", outcome=None)
    assert await _level(variant["id"]) == (4, 0)
    assert f"/fulfillment/orders/{order_id}/ship" not in (await owner_client.get("/fulfillment")).text
