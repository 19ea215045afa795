"""End to end with the sandbox over HTTP: an order placed on one marketplace reaches the
database with stock reserved, and the new available is pushed to the other store — by webhook,
and (webhooks off) by the scheduled fetch."""

from __future__ import annotations

import time

from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockLevel
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store, WebhookEventRecord
from app.domains.stores.webhooks import process
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop
from tests.stores.test_webhooks import shopee_push


async def _store(client, sandbox, platform):
    shop = new_shop(sandbox, platform)
    await connect(client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store


async def _shared_sku_setup(client, sandbox, units: int):
    """Two stores selling one master SKU: Shopee's first product's first model and a TikTok SKU
    renamed to the same seller SKU."""
    tenant = tenant_of(client.account)
    shopee_shop, shopee = await _store(client, sandbox, "shopee")
    tiktok_shop, tiktok = await _store(client, sandbox, "tiktok")
    sp = next(iter(shopee_shop.products.values()))
    tp = next(iter(tiktok_shop.products.values()))
    sku = sp.skus[0].seller_sku
    tp.skus[0].seller_sku = sku
    await create_product(tenant, ProductForm(name="Produk Bersama", variants=[VariantForm(sku=sku, price=50_000)]))
    variant = (await variants_by_sku(tenant, [sku]))[sku.upper()]
    for store in (shopee, tiktok):
        await import_store_listings(tenant, store["id"])
    location = await default_location(tenant)
    await stock.receive(tenant, variant["id"], location["id"], units)
    await push_changes(tenant)
    return tenant, variant, (shopee_shop, shopee, sp), (tiktok_shop, tiktok, tp)


async def test_an_order_by_webhook_reserves_stock_and_pushes_to_the_other_store(owner_client, sandbox):
    tenant, variant, (s_shop, shopee, sp), (t_shop, tiktok, tp) = await _shared_sku_setup(owner_client, sandbox, 3)
    assert sandbox.listing_stock("tiktok", t_shop.shop_id, tp.product_id)[tp.skus[0].sku_id] == 3

    order = sandbox.create_order("shopee", s_shop.shop_id, lines=[(sp.product_id, sp.skus[0].sku_id, 2)],
                                 status="READY_TO_SHIP", push=False)
    body, headers = shopee_push({"code": 3, "shop_id": int(s_shop.shop_id), "timestamp": int(time.time()),
                                 "data": {"ordersn": order.order_id, "status": "READY_TO_SHIP",
                                          "update_time": int(time.time())}})
    assert (await owner_client.post("/webhooks/shopee", content=body, headers=headers)).status_code == 200
    event = await WebhookEventRecord.select().where(WebhookEventRecord.platform_shop_id == s_shop.shop_id).first()
    outcome = await process(event["id"])
    assert "1 new" in outcome, outcome

    row = await Order.select().where((Order.store == shopee["id"]) & (Order.platform_order_id == order.order_id)).first()
    assert row["state"] == "ready_to_ship" and row["stock_state"] == "reserved"
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (3, 2)
    await push_changes(tenant)
    assert sandbox.listing_stock("tiktok", t_shop.shop_id, tp.product_id)[tp.skus[0].sku_id] == 1


async def test_with_webhooks_off_the_scheduled_fetch_brings_the_order(owner_client, sandbox):
    tenant, variant, (s_shop, shopee, sp), (t_shop, tiktok, tp) = await _shared_sku_setup(owner_client, sandbox, 2)
    order = sandbox.create_order("tiktok", t_shop.shop_id, lines=[(tp.product_id, tp.skus[0].sku_id, 1)],
                                 status="AWAITING_SHIPMENT", push=False)
    report = await fetch_store_orders(tenant, tiktok["id"])
    assert report.created >= 1
    again = await fetch_store_orders(tenant, tiktok["id"])
    assert again.created == 0, "the overlapping window re-reads; the upsert keeps one order"
    row = await Order.select().where((Order.store == tiktok["id"]) & (Order.platform_order_id == order.order_id)).first()
    assert row["stock_state"] == "reserved"
    await push_changes(tenant)
    assert sandbox.listing_stock("shopee", s_shop.shop_id, sp.product_id)[sp.skus[0].sku_id] == 1
