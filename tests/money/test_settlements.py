"""The settlement job of a store, against the sandbox over HTTP: estimated while open, final once
completed, idempotent, unmatched kept, other currencies refused; the order and store pages show it."""

from __future__ import annotations

import pytest

from app.domains.money.settlements import settle_store
from app.domains.money.tables import Settlement, SettlementLine
from app.domains.orders.fetch import fetch_store_orders, ingest_orders
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store
from app.sandbox import finance
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop


async def connected_store(client, sandbox, platform: str):
    shop = new_shop(sandbox, platform)
    await connect(client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store["id"]


def place(sandbox, shop, qty: int = 2):
    product = next(iter(shop.products.values()))
    return sandbox.create_order(shop.platform, shop.shop_id, lines=[(product.product_id, product.skus[0].sku_id, qty)],
                                push=False, shipping_fee=10_000, platform_discount=4_000, seller_discount_percent=5)


async def lines_of(platform_order_id: str) -> dict[str, int]:
    row = await Settlement.select(Settlement.id).where(Settlement.platform_order_id == platform_order_id).first()
    return {r["kind"]: r["amount"] for r in await SettlementLine.select().where(SettlementLine.settlement == row["id"])}


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_settlement_estimated_then_final_and_replay_changes_nothing(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store_id = await connected_store(owner_client, sandbox, platform)
    placed = place(sandbox, shop)
    await fetch_store_orders(tenant, store_id)
    order = await Order.select(Order.id).where(Order.platform_order_id == placed.order_id).first()

    first = await settle_store(tenant, store_id)
    assert first.recorded == 1 and first.unmatched == 0
    row = await Settlement.select().where(Settlement.order == order["id"]).first()
    expected = finance.breakdown(placed)
    assert (row["amount"], row["state"]) == (expected.settlement, "estimated")
    lines = await lines_of(placed.order_id)
    assert lines["commission"] == -expected.commission and lines["transaction_fee"] == -expected.transaction_fee
    assert lines["items"] == expected.items and lines["platform_voucher"] == 4_000
    assert sum(lines.values()) == row["amount"]

    again = await settle_store(tenant, store_id)
    assert (again.recorded, again.unchanged) == (0, 1)
    assert await Settlement.count().where(Settlement.organization == tenant.organization_id) == 1

    sandbox.set_order_status(platform, shop.shop_id, placed.order_id, "COMPLETED", push=False)
    await ingest_orders(tenant, store_id, [placed.order_id])  # as its webhook would
    final = await settle_store(tenant, store_id)
    assert final.recorded == 1
    row = await Settlement.select().where(Settlement.order == order["id"]).first()
    assert row["state"] == "final" and row["settled_at"] is not None

    page = await owner_client.get(f"/money/orders/{order['id']}/settlement")
    assert page.status_code == 200
    assert "Commission" in page.text and "Final" in page.text
    store_page = await owner_client.get(f"/money/stores/{store_id}/settlements")
    assert placed.order_id in store_page.text


async def test_a_lazada_order_settles_once_lazada_posts_its_transactions(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store_id = await connected_store(owner_client, sandbox, "lazada")
    placed = place(sandbox, shop)
    await fetch_store_orders(tenant, store_id)
    order = await Order.select(Order.id).where(Order.platform_order_id == placed.order_id).first()

    # Lazada's finance API lists nothing for an open order: no estimate, nothing recorded
    assert (await settle_store(tenant, store_id)).recorded == 0
    assert not await Settlement.exists().where(Settlement.order == order["id"])

    sandbox.set_order_status("lazada", shop.shop_id, placed.order_id, "confirmed", push=False)
    await ingest_orders(tenant, store_id, [placed.order_id])
    final = await settle_store(tenant, store_id)
    assert final.recorded == 1 and final.unmatched == 0
    row = await Settlement.select().where(Settlement.order == order["id"]).first()
    expected = finance.breakdown(placed)
    assert (row["amount"], row["state"]) == (expected.settlement, "final") and row["settled_at"] is not None
    lines = await lines_of(placed.order_id)
    assert lines["items"] == expected.items and lines["commission"] == -expected.commission
    assert lines["transaction_fee"] == -expected.transaction_fee and lines["tax"] == -expected.tax
    assert lines["shipping_actual"] == -expected.actual_shipping and "adjustment" not in lines
    assert sum(lines.values()) == row["amount"]
    assert (await settle_store(tenant, store_id)).recorded == 0  # once final, a replay records nothing more
    assert await Settlement.count().where(Settlement.order == order["id"]) == 1


async def test_settlement_of_an_unknown_order_is_kept_as_unmatched_then_matched(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store_id = await connected_store(owner_client, sandbox, "shopee")
    stranger = place(sandbox, shop)
    sandbox.set_order_status("shopee", shop.shop_id, stranger.order_id, "COMPLETED", push=False)
    report = await settle_store(tenant, store_id)
    assert report.unmatched == 1
    row = await Settlement.select().where(Settlement.platform_order_id == stranger.order_id).first()
    assert row["order"] is None and row["state"] == "final"
    listed = await owner_client.get("/money/unmatched")
    assert stranger.order_id in listed.text

    await ingest_orders(tenant, store_id, [stranger.order_id])
    await settle_store(tenant, store_id)
    order = await Order.select(Order.id).where(Order.platform_order_id == stranger.order_id).first()
    row = await Settlement.select().where(Settlement.platform_order_id == stranger.order_id).first()
    assert row["order"] == order["id"]
    assert stranger.order_id not in (await owner_client.get("/money/unmatched")).text


async def test_a_settlement_in_another_currency_is_refused_and_changes_nothing(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store_id = await connected_store(owner_client, sandbox, "tiktok")
    placed = place(sandbox, shop)
    await fetch_store_orders(tenant, store_id)
    shop.currency = "MYR"
    report = await settle_store(tenant, store_id)
    assert report.recorded == 0 and len(report.refused) == 1
    assert "MYR" in report.refused[0] and "IDR" in report.refused[0]
    assert await Settlement.count().where(Settlement.platform_order_id == placed.order_id) == 0
    store = await Store.select(Store.last_error).where(Store.id == store_id).first()
    assert "MYR" in store["last_error"]
