"""Lazada against the sandbox over HTTP: OAuth, listings, price and stock, orders, shipment, labels, push."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from redis.asyncio import Redis

from app.integrations import errors
from app.integrations.base import (
    AuthorizationResult,
    DocumentRef,
    DocumentStatus,
    EventKind,
    OrderStatus,
    PriceUpdate,
    ShipRequest,
    StockUpdate,
)
from app.integrations.lazada.adapter import LazadaAdapter, fold_statuses
from app.integrations.lazada.client import LazadaClient
from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import Fault, SandboxState
from tests.integrations.conftest import LAZADA_APP_KEY, LAZADA_APP_SECRET, Connected


async def test_consent_code_tokens_seller_and_single_use_refresh(lazada: LazadaAdapter, state: SandboxState):
    shop = state.create_shop("lazada", app_id=LAZADA_APP_KEY, name="Toko Uji Lazada", products=1)
    url = lazada.authorization_url(redirect_url="http://127.0.0.1:9/stores/callback", state="st-7")
    assert f"client_id={LAZADA_APP_KEY}" in url and "response_type=code" in url
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
    assert page.status_code == 200 and "Authorize StoreSync for" in page.text
    link = re.search(rf'data-shop-id="{shop.shop_id}" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert link.startswith("http://127.0.0.1:9/stores/callback?")
    back = parse_qs(urlsplit(link).query)
    assert back["state"] == ["st-7"]

    tokens = await lazada.exchange_code(AuthorizationResult(code=back["code"][0], state="st-7"))
    assert tokens.shop_id == shop.shop_id
    assert tokens.access_expires_at > datetime.now(UTC) + timedelta(days=6)
    assert tokens.refresh_expires_at > tokens.access_expires_at
    shops = await lazada.authorized_shops(tokens)
    assert [(s.shop_id, s.name) for s in shops] == [(shop.shop_id, "Toko Uji Lazada")]
    with pytest.raises(errors.AuthError) as used:
        await lazada.exchange_code(AuthorizationResult(code=back["code"][0]))
    assert used.value.code == "InvalidCode" and used.value.needs_reauthorization

    refreshed = await lazada.refresh_tokens(tokens)
    assert refreshed.access_token != tokens.access_token and refreshed.shop_id == shop.shop_id
    with pytest.raises(errors.AuthError) as spent:
        await lazada.refresh_tokens(tokens)
    assert spent.value.code == "IllegalRefreshToken" and spent.value.needs_reauthorization


async def test_wrong_secret_gets_incomplete_signature_in_lazadas_envelope(sandbox: BackgroundSandbox,
                                                                          lazada: LazadaAdapter,
                                                                          lazada_shop: Connected):
    client = LazadaClient(app_key=LAZADA_APP_KEY, app_secret="not-the-secret", api_base=f"{sandbox.url}/lazada/rest",
                          auth_base=f"{sandbox.url}/lazada-auth/rest", transport=lazada.transport)
    token = await lazada_shop.conn.tokens.access_token()
    async with httpx.AsyncClient() as raw:
        answer = await raw.get(f"{sandbox.url}/lazada/rest/seller/get",
                               params=client.signed_params("/seller/get", {}, token))
    body = answer.json()
    assert answer.status_code == 200
    assert body["code"] == "IncompleteSignature" and body["type"] == "ISV" and body["message"] and body["request_id"]
    with pytest.raises(errors.AuthError) as refused:
        await client.call("GET", "/seller/get", op="lazada.seller_get", tokens=lazada_shop.conn.tokens)
    assert refused.value.code == "IncompleteSignature" and refused.value.reason is errors.AuthReason.CREDENTIALS

    # The right secret with one parameter changed after signing is refused the same way.
    params = lazada.client.signed_params("/seller/get", {}, token)
    params["timestamp"] = str(int(params["timestamp"]) + 1)
    async with httpx.AsyncClient() as raw:
        tampered = (await raw.get(f"{sandbox.url}/lazada/rest/seller/get", params=params)).json()
    assert tampered["code"] == "IncompleteSignature"


async def test_expired_access_token_is_renewed_once(lazada: LazadaAdapter, lazada_shop: Connected,
                                                    state: SandboxState):
    before = lazada_shop.store.tokens.access_token
    state.expire_tokens("lazada", lazada_shop.shop.shop_id)
    info = await lazada.shop_info(lazada_shop.conn)
    assert info.shop_id == lazada_shop.shop.shop_id
    assert lazada_shop.store.saves == 1 and lazada_shop.store.tokens.access_token != before


async def test_faults_are_retried_and_every_listing_arrives_once(lazada: LazadaAdapter, lazada_shop: Connected,
                                                                 state: SandboxState):
    shop_id = lazada_shop.shop.shop_id
    state.add_products("lazada", shop_id, 110)
    state.add_fault(Fault(kind="rate_limit", platform="lazada", shop_id=shop_id, remaining=2))
    state.add_fault(Fault(kind="server_error", platform="lazada", shop_id=shop_id, remaining=1))
    state.reset_calls()
    listings = [x async for x in lazada.fetch_listings(lazada_shop.conn)]
    products = state.shop("lazada", shop_id).products
    assert sorted(x.listing_id for x in listings) == sorted(products)
    assert len(state.calls_to("lazada", "/products/get")) == 3  # 122 products, 50 a page
    assert len(state.calls_to("lazada", "/products/get", outcome="fault")) == 3
    one = next(x for x in listings if products[x.listing_id].has_variants)
    product = products[one.listing_id]
    assert [v.variant_id for v in one.variants] == [s.sku_id for s in product.skus]
    assert [v.seller_sku for v in one.variants] == [s.seller_sku for s in product.skus]
    assert [v.price for v in one.variants] == [s.price for s in product.skus]
    assert one.variants[0].name == ", ".join(product.skus[0].label) and one.title == product.title


async def test_stock_and_price_push_with_a_refused_sku(lazada: LazadaAdapter, lazada_shop: Connected,
                                                       state: SandboxState):
    shop = state.shop("lazada", lazada_shop.shop.shop_id)
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    result = await lazada.update_stock(lazada_shop.conn, [
        StockUpdate(listing_id=product.product_id, variant_id=sku.sku_id, quantity=0),
        StockUpdate(listing_id=product.product_id, variant_id="999", quantity=4),
    ])
    assert result.succeeded == ((product.product_id, sku.sku_id),)
    assert [(f.variant_id, f.reason) for f in result.failed] == [("999", "SKU not found.")]
    assert state.listing_stock("lazada", shop.shop_id, product.product_id)[sku.sku_id] == 0

    priced = await lazada.update_price(lazada_shop.conn, [
        PriceUpdate(listing_id=product.product_id, variant_id=sku.sku_id, price=123_000)])
    assert priced.succeeded == ((product.product_id, sku.sku_id),) and not priced.failed
    assert sku.price == 123_000 and sku.stock == 0

    # 120 updates go out in three calls of at most 50 SKUs.
    state.reset_calls()
    many = [StockUpdate(listing_id=product.product_id, variant_id=sku.sku_id, quantity=n) for n in range(120)]
    result = await lazada.update_stock(lazada_shop.conn, many)
    assert len(result.succeeded) == 120 and sku.stock == 119
    assert len(state.calls_to("lazada", "/product/price_quantity/update")) == 3


async def test_order_changes_and_details(lazada: LazadaAdapter, lazada_shop: Connected, state: SandboxState):
    shop_id = lazada_shop.shop.shop_id
    product = next(p for p in state.shop("lazada", shop_id).products.values())
    sku = product.skus[0]
    since = datetime.now(UTC) - timedelta(minutes=1)
    order = state.create_order("lazada", shop_id, lines=[(product.product_id, sku.sku_id, 3)], shipping_fee=9_000,
                               seller_discount_percent=10, push=False)
    old = state.create_order("lazada", shop_id, create_time=state.now() - 86400 * 3, push=False)
    summaries = [s async for s in lazada.fetch_order_changes(lazada_shop.conn, since,
                                                               datetime.now(UTC) + timedelta(minutes=1))]
    assert [(s.order_id, s.status, s.raw_status) for s in summaries] == [(order.order_id, OrderStatus.TO_SHIP,
                                                                          "pending")]
    [got] = await lazada.get_orders(lazada_shop.conn, [order.order_id, "399999999999999"])
    [line] = got.lines
    assert (line.listing_id, line.variant_id, line.quantity) == (product.product_id, sku.sku_id, 3)
    assert len(line.line_ids) == 3 and line.unit_price == sku.price - sku.price // 10
    assert got.total == order.total and got.amounts.shipping_fee == 9_000
    assert got.amounts.seller_discount == order.seller_discount and got.recipient.name == order.recipient["name"]
    assert old.order_id not in {s.order_id for s in summaries}


async def test_whole_order_flow_new_ready_to_ship_label(lazada: LazadaAdapter, lazada_shop: Connected,
                                                        state: SandboxState, sandbox: BackgroundSandbox):
    shop_id = lazada_shop.shop.shop_id
    sink = f"lazada-{shop_id}"
    callback = f"{sandbox.url}/_control/sink/{sink}"
    state.set_callback("lazada", shop_id, callback)
    order = state.create_order("lazada", shop_id)
    state.dispatcher.wait_idle()
    [pushed] = state.sink(sink)
    event = lazada.verify_webhook(headers=pushed["headers"], body=pushed["body"], url=callback)
    assert (event.kind, event.order_id, event.order_status, event.shop_id) == \
        (EventKind.ORDER_STATUS, order.order_id, OrderStatus.TO_SHIP, shop_id)
    with pytest.raises(errors.WebhookRejected):
        lazada.verify_webhook(headers=pushed["headers"], body=pushed["body"].replace(b"pending", b"canceled"),
                              url=callback)

    refused = await lazada.create_shipping_documents(lazada_shop.conn, [DocumentRef(order_id=order.order_id)])
    assert refused[0].status is DocumentStatus.FAILED and refused[0].code == "E0074"
    options = await lazada.shipping_options(lazada_shop.conn, order.order_id)
    assert options.dropoff_available and options.pickup_available
    assert await lazada.tracking_number(lazada_shop.conn, order.order_id) is None

    # The second step fails once: the retry finds the items packed and only sends ReadyToShip.
    state.add_fault(Fault(kind="server_error", platform="lazada", shop_id=shop_id, remaining=1))
    await lazada.ship_order(lazada_shop.conn, ShipRequest(order_id=order.order_id, mode="dropoff"))
    assert order.status == "ready_to_ship" and order.shipped_via == "dropship"
    tracking = await lazada.tracking_number(lazada_shop.conn, order.order_id)
    assert tracking == order.tracking_number and tracking.startswith("LXAD-")
    [fetched] = await lazada.get_orders(lazada_shop.conn, [order.order_id])
    assert fetched.status is OrderStatus.PROCESSED and fetched.tracking_number == tracking
    with pytest.raises(errors.ValidationError):
        await lazada.ship_order(lazada_shop.conn, ShipRequest(order_id=order.order_id, mode="dropoff"))

    ready = await lazada.create_shipping_documents(lazada_shop.conn, [DocumentRef(order_id=order.order_id)])
    assert ready[0].status is DocumentStatus.READY
    pdf = await lazada.download_shipping_documents(lazada_shop.conn, [DocumentRef(order_id=order.order_id)])
    assert pdf.startswith(b"%PDF") and len(pdf) > 500

    state.dispatcher.wait_idle()
    statuses = [lazada.verify_webhook(headers=p["headers"], body=p["body"], url=callback).raw_status
                for p in state.sink(sink)]
    assert statuses == ["pending", "packed", "ready_to_ship"]
    state.set_order_status("lazada", shop_id, order.order_id, "shipped", push=False)
    [shipped] = await lazada.get_orders(lazada_shop.conn, [order.order_id])
    assert shipped.status is OrderStatus.SHIPPED


def test_item_statuses_fold_into_the_least_advanced_live_one():
    assert fold_statuses(["ready_to_ship", "pending", "canceled"]) == "pending"
    assert fold_statuses(["canceled", "canceled"]) == "canceled"
    assert fold_statuses(["delivered", "shipped"]) == "shipped"
    with pytest.raises(errors.ValidationError):
        fold_statuses([])


async def test_unknown_app_key_and_missing_token(sandbox: BackgroundSandbox, redis: Redis):
    async with httpx.AsyncClient() as raw:
        unknown = (await raw.get(f"{sandbox.url}/lazada/rest/seller/get",
                                 params={"app_key": "nope", "sign_method": "sha256", "timestamp": "1",
                                         "sign": "X"})).json()
        no_path = (await raw.get(f"{sandbox.url}/lazada/rest/no/such/api")).json()
    assert unknown["code"] == "InvalidAppKey" and no_path["code"] == "InvalidApiPath"
    assert LAZADA_APP_SECRET not in str(unknown)
