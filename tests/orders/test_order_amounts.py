"""Sandbox orders carry a shipping fee, the seller's discount and the platform's voucher; both
adapters read them and ingest stores the breakdown, which the order page shows."""

from __future__ import annotations

import pytest

from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_marketplace_amounts_arrive_broken_down(owner_client, sandbox, platform):
    shop = new_shop(sandbox, platform)
    await connect(owner_client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == owner_client.account.org_id)).first()
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    placed = sandbox.create_order(platform, shop.shop_id, lines=[(product.product_id, sku.sku_id, 2)],
                                  push=False, shipping_fee=12_000, platform_discount=7_000, seller_discount_percent=10)
    await fetch_store_orders(tenant_of(owner_client.account), store["id"])
    row = await Order.select().where((Order.store == store["id"]) & (Order.platform_order_id == placed.order_id)).first()
    discount = sku.price * 10 // 100 * 2
    assert row["subtotal"] == sku.price * 2
    assert (row["shipping_fee"], row["seller_discount"], row["platform_discount"]) == (12_000, discount, 7_000)
    assert row["total"] == sku.price * 2 - discount - 7_000 + 12_000 == placed.total
    assert row["platform_fees"] is None
    page = await owner_client.get(f"/orders/{row['id']}")
    assert "Shipping fee" in page.text and "Rp 12.000" in page.text and "Rp 7.000" in page.text
