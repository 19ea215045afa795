"""Contract tests of the TikTok Shop adapter against the sandbox over real HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.integrations import errors
from app.integrations.base import AuthorizationResult, OrderStatus, ShipRequest, StockUpdate
from app.integrations.tiktok.adapter import TikTokAdapter
from app.sandbox.state import SandboxState
from tests.integrations.conftest import TIKTOK_APP_KEY, Connected


async def test_consent_code_tokens_shops_and_single_use_refresh(tiktok: TikTokAdapter, state: SandboxState):
    shop = state.create_shop("tiktok", app_id=TIKTOK_APP_KEY, name="Butik Uji TikTok", products=1)
    url = tiktok.authorization_url(redirect_url="ignored", state="st-9")
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
    assert page.status_code == 200 and "Authorize StoreSync for" in page.text
    link = re.search(rf'data-shop-id="{shop.shop_id}" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    back = parse_qs(urlsplit(link).query)
    assert back["state"] == ["st-9"]

    tokens = await tiktok.exchange_code(AuthorizationResult(code=back["code"][0], state="st-9"))
    assert tokens.access_expires_at > datetime.now(UTC) + timedelta(days=6)
    assert tokens.refresh_expires_at > tokens.access_expires_at
    shops = await tiktok.authorized_shops(tokens)
    assert [(s.shop_id, s.name) for s in shops] == [(shop.shop_id, "Butik Uji TikTok")]
    assert shops[0].cipher == shop.cipher

    refreshed = await tiktok.refresh_tokens(tokens)
    assert refreshed.access_token != tokens.access_token
    with pytest.raises(errors.AuthError) as spent:
        await tiktok.refresh_tokens(tokens)
    assert spent.value.needs_reauthorization and not spent.value.retryable


async def test_listings_paginate_with_page_token(tiktok: TikTokAdapter, tiktok_shop: Connected, state: SandboxState):
    state.add_products("tiktok", tiktok_shop.shop.shop_id, 200)
    state.reset_calls()
    listings = [x async for x in tiktok.fetch_listings(tiktok_shop.conn)]
    products = state.shop("tiktok", tiktok_shop.shop.shop_id).products
    assert sorted(x.listing_id for x in listings) == sorted(products)
    assert len(state.calls_to("tiktok", "/product/202309/products/search")) == 3
    some = listings[0]
    assert some.variants[0].location_id and isinstance(some.variants[0].price, int)
    detail = await tiktok.get_listing(tiktok_shop.conn, some.listing_id)
    assert detail == some


async def test_inventory_update_per_product_with_zero(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                     state: SandboxState):
    shop_id = tiktok_shop.shop.shop_id
    products = list(state.shop("tiktok", shop_id).products.values())[:3]
    updates = [StockUpdate(listing_id=p.product_id, variant_id=s.sku_id, quantity=i % 2 * 5)
               for p in products for i, s in enumerate(p.skus)]
    state.reset_calls()
    result = await tiktok.update_stock(tiktok_shop.conn, updates)
    assert len(result.succeeded) == len(updates) and not result.failed
    assert len(state.calls_to("tiktok", f"/product/202309/products/{products[0].product_id}/inventory/update")) == 1
    for p in products:
        assert list(state.listing_stock("tiktok", shop_id, p.product_id).values()) == \
            [i % 2 * 5 for i in range(len(p.skus))]


async def test_order_line_items_per_unit_are_folded_into_quantities(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                                    state: SandboxState):
    shop_id = tiktok_shop.shop.shop_id
    product = next(iter(state.shop("tiktok", shop_id).products.values()))
    sku = product.skus[0]
    order = state.create_order("tiktok", shop_id, lines=[(product.product_id, sku.sku_id, 3)], push=False)
    [detail] = await tiktok.get_orders(tiktok_shop.conn, [order.order_id])
    assert len(detail.lines) == 1
    line = detail.lines[0]
    assert line.quantity == 3 and len(line.line_ids) == 3 and line.unit_price == sku.price
    assert detail.total == sku.price * 3 and detail.status is OrderStatus.TO_SHIP


async def test_order_changes_in_a_window_each_once(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                   state: SandboxState):
    now = datetime.now(UTC)
    shop_id = tiktok_shop.shop.shop_id
    made = [state.create_order("tiktok", shop_id, create_time=(now - timedelta(days=d % 50)).timestamp(), push=False)
            for d in range(130)]
    seen = [s async for s in tiktok.fetch_order_changes(tiktok_shop.conn, now - timedelta(days=60),
                                                        now + timedelta(seconds=1))]
    assert sorted(s.order_id for s in seen) == sorted(o.order_id for o in made)
    details = await tiktok.get_orders(tiktok_shop.conn, [o.order_id for o in made])
    assert len(details) == 130


async def test_pickup_shipping_and_tracking(tiktok: TikTokAdapter, tiktok_shop: Connected, state: SandboxState):
    order = state.create_order("tiktok", tiktok_shop.shop.shop_id, push=False)
    options = await tiktok.shipping_options(tiktok_shop.conn, order.order_id)
    assert options.pickup_available and options.dropoff_available
    slot = options.pickup_addresses[0].slots[0]
    await tiktok.ship_order(tiktok_shop.conn, ShipRequest(order_id=order.order_id, mode="pickup",
                                                          slot_id=slot.slot_id))
    assert await tiktok.tracking_number(tiktok_shop.conn, order.order_id)
    [detail] = await tiktok.get_orders(tiktok_shop.conn, [order.order_id])
    assert detail.status is OrderStatus.PROCESSED


async def test_missing_cipher_is_refused_by_the_platform(tiktok: TikTokAdapter, tiktok_shop: Connected):
    with pytest.raises(errors.ValidationError) as refused:
        await tiktok.client.call("POST", "/product/202309/products/search", op="test", query={"page_size": 10},
                                 body={}, tokens=tiktok_shop.conn.tokens)
    assert refused.value.code == "106013"
