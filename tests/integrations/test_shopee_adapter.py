"""Contract tests of the Shopee adapter against the sandbox over real HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.integrations import errors
from app.integrations.base import AuthorizationResult, OrderStatus, ShipRequest, StockUpdate
from app.integrations.shopee.adapter import ShopeeAdapter, order_windows
from app.sandbox.state import SandboxState
from tests.integrations.conftest import SHOPEE_PARTNER_ID, Connected


async def test_seller_authorizes_on_the_consent_page_and_tokens_refresh_once(shopee: ShopeeAdapter,
                                                                             state: SandboxState):
    shop = state.create_shop("shopee", app_id=SHOPEE_PARTNER_ID, name="Toko Uji Otorisasi", products=1)
    url = shopee.authorization_url(redirect_url="http://127.0.0.1:9/stores/shopee/callback", state="s1")
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
    assert page.status_code == 200
    assert "Authorize StoreSync for" in page.text and "Toko Uji Otorisasi" in page.text
    link = re.search(rf'data-shop-id="{shop.shop_id}" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    back = parse_qs(urlsplit(link).query)
    assert back["shop_id"] == [shop.shop_id] and back["state"] == ["s1"]

    result = AuthorizationResult(code=back["code"][0], shop_id=back["shop_id"][0], state=back["state"][0])
    tokens = await shopee.exchange_code(result)
    assert tokens.access_expires_at > datetime.now(UTC) + timedelta(hours=3, minutes=59)
    assert tokens.shop_id == shop.shop_id

    with pytest.raises(errors.AuthError) as reused:
        await shopee.exchange_code(result)
    assert not reused.value.retryable

    refreshed = await shopee.refresh_tokens(tokens)
    assert refreshed.access_token != tokens.access_token
    with pytest.raises(errors.AuthError) as spent:
        await shopee.refresh_tokens(tokens)
    assert spent.value.needs_reauthorization

    [info] = await shopee.authorized_shops(refreshed)
    assert info.name == "Toko Uji Otorisasi" and info.shop_id == shop.shop_id


async def test_listings_come_back_once_each_across_pages(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                         state: SandboxState):
    state.add_products("shopee", shopee_shop.shop.shop_id, 230)
    state.reset_calls()
    listings = [listing async for listing in shopee.fetch_listings(shopee_shop.conn)]
    products = state.shop("shopee", shopee_shop.shop.shop_id).products
    assert sorted(x.listing_id for x in listings) == sorted(products)
    assert len(state.calls_to("shopee", "/api/v2/product/get_item_list")) == 3
    with_models = next(x for x in listings if x.has_variants)
    product = products[with_models.listing_id]
    assert {v.variant_id for v in with_models.variants} == {s.sku_id for s in product.skus}
    assert all(isinstance(v.price, int) and v.price >= 15_000 for v in with_models.variants)
    single = next(x for x in listings if not x.has_variants)
    assert [v.variant_id for v in single.variants] == ["0"]


async def test_stock_update_sets_absolute_quantities_in_batches_of_50(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                                      state: SandboxState):
    shop = state.shop("shopee", shopee_shop.shop.shop_id)
    # The seeded catalog depends on what earlier tests drew from the shared sandbox: make sure of both kinds.
    while not (any(p.has_variants for p in shop.products.values())
               and any(not p.has_variants for p in shop.products.values())):
        state.add_products("shopee", shop.shop_id, 1)
    big = next(p for p in shop.products.values() if p.has_variants)
    # A listing with 120 models needs three calls.
    for i in range(120 - len(big.skus)):
        big.skus.append(type(big.skus[0])(sku_id=str(90_000_000_000 + i), seller_sku=f"X-{i}", label=("x",),
                                          tier_index=(0,), price=10_000, stock=1, warehouse_id=""))
    single = next(p for p in shop.products.values() if not p.has_variants)
    updates = [StockUpdate(listing_id=big.product_id, variant_id=s.sku_id, quantity=7) for s in big.skus]
    updates.append(StockUpdate(listing_id=single.product_id, variant_id="0", quantity=0))
    state.reset_calls()
    result = await shopee.update_stock(shopee_shop.conn, updates)
    assert len(result.succeeded) == 121 and not result.failed
    assert len(state.calls_to("shopee", "/api/v2/product/update_stock")) == 4
    assert set(state.listing_stock("shopee", shop.shop_id, big.product_id).values()) == {7}
    assert state.listing_stock("shopee", shop.shop_id, single.product_id) == {single.skus[0].sku_id: 0}
    # Replaying the same absolute update changes nothing.
    await shopee.update_stock(shopee_shop.conn, updates)
    assert set(state.listing_stock("shopee", shop.shop_id, big.product_id).values()) == {7}


async def test_unknown_model_is_reported_not_raised(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                    state: SandboxState):
    product = next(iter(state.shop("shopee", shopee_shop.shop.shop_id).products.values()))
    result = await shopee.update_stock(shopee_shop.conn, [
        StockUpdate(listing_id=product.product_id, variant_id="123", quantity=3)])
    assert not result.succeeded and result.failed[0].variant_id == "123"


def test_order_windows_cover_the_range_without_overlap_and_within_15_days():
    since = datetime(2026, 1, 1, tzinfo=UTC)
    until = since + timedelta(days=40)
    windows = list(order_windows(since, until, timedelta(days=15)))
    assert len(windows) == 3
    assert windows[0][0] == int(since.timestamp()) and windows[-1][1] == int(until.timestamp()) - 1
    for (_, a_to), (b_from, _) in zip(windows, windows[1:], strict=False):
        assert b_from == a_to + 1
    assert all(to - fr <= 15 * 86400 for fr, to in windows)


async def test_orders_changed_over_40_days_are_listed_once_and_detailed(shopee: ShopeeAdapter,
                                                                        shopee_shop: Connected,
                                                                        state: SandboxState):
    now = datetime.now(UTC)
    shop_id = shopee_shop.shop.shop_id
    made = [state.create_order("shopee", shop_id, create_time=(now - timedelta(days=d)).timestamp(), push=False)
            for d in (1, 10, 16, 29, 38)]
    for _ in range(120):
        made.append(state.create_order("shopee", shop_id, create_time=(now - timedelta(days=2)).timestamp(),
                                       push=False))
    state.reset_calls()
    seen = [s async for s in shopee.fetch_order_changes(shopee_shop.conn, now - timedelta(days=40), now)]
    assert sorted(s.order_id for s in seen) == sorted(o.order_id for o in made)
    list_calls = state.calls_to("shopee", "/api/v2/order/get_order_list")
    assert len(list_calls) >= 4  # three windows, one of them two pages

    orders = await shopee.get_orders(shopee_shop.conn, [o.order_id for o in made])
    assert len(orders) == len(made)
    assert len(state.calls_to("shopee", "/api/v2/order/get_order_detail")) == 3
    sample = next(o for o in orders if o.order_id == made[0].order_id)
    assert sample.status is OrderStatus.TO_SHIP
    assert sample.total == made[0].total
    assert sum(line.quantity for line in sample.lines) == sum(line.quantity for line in made[0].lines)
    assert sample.recipient.phone.startswith("+62")


async def test_order_list_window_over_15_days_is_a_validation_error(shopee: ShopeeAdapter, shopee_shop: Connected):
    with pytest.raises(errors.ValidationError) as refused:
        await shopee.client.call("GET", "/api/v2/order/get_order_list", op="test", shop_id=shopee_shop.conn.shop_id,
                                 tokens=shopee_shop.conn.tokens, query={
                                     "time_range_field": "update_time", "time_from": 0, "time_to": 16 * 86400,
                                     "page_size": 10})
    assert refused.value.code == "order.order_list_invalid_time" and not refused.value.retryable


async def test_arranging_pickup_gives_a_tracking_number(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                        state: SandboxState):
    order = state.create_order("shopee", shopee_shop.shop.shop_id, push=False)
    options = await shopee.shipping_options(shopee_shop.conn, order.order_id)
    address = options.pickup_addresses[0]
    await shopee.ship_order(shopee_shop.conn, ShipRequest(order_id=order.order_id, mode="pickup",
                                                          address_id=address.address_id,
                                                          slot_id=address.slots[0].slot_id))
    assert await shopee.tracking_number(shopee_shop.conn, order.order_id)
    [detail] = await shopee.get_orders(shopee_shop.conn, [order.order_id])
    assert detail.status is OrderStatus.PROCESSED
