"""The sandbox refuses requests exactly as MARKETPLACES.md says the platforms do, over raw HTTP."""

from __future__ import annotations

import json
import time

import httpx

from app.integrations.shopee import signing as shopee_signing
from app.integrations.tiktok import signing as tiktok_signing
from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import SandboxState
from tests.integrations.conftest import (
    SHOPEE_PARTNER_ID,
    SHOPEE_PARTNER_KEY,
    TIKTOK_APP_KEY,
    TIKTOK_APP_SECRET,
)


def _shopee_get(sandbox: BackgroundSandbox, path: str, *, sign: str | None = None, timestamp: int | None = None,
                token: str = "", shop_id: str = "", extra: dict | None = None) -> httpx.Response:
    ts = timestamp or int(time.time())
    real = shopee_signing.api_sign(SHOPEE_PARTNER_KEY, partner_id=SHOPEE_PARTNER_ID, path=path, timestamp=ts,
                                   access_token=token or None, shop_id=shop_id or None)
    params = {"partner_id": SHOPEE_PARTNER_ID, "timestamp": ts, "sign": sign or real, **(extra or {})}
    if token:
        params |= {"access_token": token, "shop_id": shop_id}
    return httpx.get(f"{sandbox.url}/shopee{path}", params=params)


def _shopee_tokens(state: SandboxState) -> tuple[str, str]:
    shop = state.create_shop("shopee", app_id=SHOPEE_PARTNER_ID, products=3)
    access, *_ = state.issue_tokens("shopee", shop.shop_id, str(SHOPEE_PARTNER_ID))
    return shop.shop_id, access


def test_shopee_wrong_sign_is_error_sign(sandbox: BackgroundSandbox, state: SandboxState):
    shop_id, token = _shopee_tokens(state)
    answer = _shopee_get(sandbox, "/api/v2/shop/get_shop_info", sign="0" * 64, token=token, shop_id=shop_id)
    assert answer.status_code == 403
    body = answer.json()
    assert body["error"] == "error_sign" and body["request_id"] and "response" not in body


def test_shopee_stale_timestamp_is_refused(sandbox: BackgroundSandbox, state: SandboxState):
    shop_id, token = _shopee_tokens(state)
    answer = _shopee_get(sandbox, "/api/v2/shop/get_shop_info", timestamp=int(time.time()) - 301, token=token,
                         shop_id=shop_id)
    assert answer.json()["error"] == "error_param"


def test_shopee_expired_token_and_page_size_limit(sandbox: BackgroundSandbox, state: SandboxState):
    shop_id, token = _shopee_tokens(state)
    too_big = _shopee_get(sandbox, "/api/v2/product/get_item_list", token=token, shop_id=shop_id,
                          extra={"offset": 0, "page_size": 101, "item_status": "NORMAL"})
    assert too_big.json()["error"] == "error_param"
    state.expire_tokens("shopee", shop_id)
    expired = _shopee_get(sandbox, "/api/v2/product/get_item_list", token=token, shop_id=shop_id,
                          extra={"offset": 0, "page_size": 10, "item_status": "NORMAL"})
    assert expired.json()["error"] == "invalid_acceess_token"


def test_shopee_code_is_single_use_and_expires(sandbox: BackgroundSandbox, state: SandboxState):
    shop = state.create_shop("shopee", app_id=SHOPEE_PARTNER_ID)
    path = "/api/v2/auth/token/get"

    def exchange(code: str) -> dict:
        ts = int(time.time())
        sign = shopee_signing.api_sign(SHOPEE_PARTNER_KEY, partner_id=SHOPEE_PARTNER_ID, path=path, timestamp=ts)
        return httpx.post(f"{sandbox.url}/shopee{path}",
                          params={"partner_id": SHOPEE_PARTNER_ID, "timestamp": ts, "sign": sign},
                          json={"code": code, "shop_id": int(shop.shop_id), "partner_id": SHOPEE_PARTNER_ID}).json()

    code = state.issue_code("shopee", shop.shop_id)
    first = exchange(code)
    assert first["error"] == "" and first["expire_in"] == 14400
    assert exchange(code)["error"] == "error_auth"
    state.config.shopee_code_ttl = 0
    assert exchange(state.issue_code("shopee", shop.shop_id))["error"] == "error_auth"


def _tiktok(sandbox: BackgroundSandbox, method: str, path: str, *, token: str, cipher: str | None,
            body: dict | None = None, query: dict | None = None, tamper: bool = False) -> httpx.Response:
    params = {"app_key": TIKTOK_APP_KEY, "timestamp": str(int(time.time())), **(query or {})}
    if cipher:
        params["shop_cipher"] = cipher
    content = json.dumps(body).encode() if body is not None else b""
    params["sign"] = tiktok_signing.api_sign(TIKTOK_APP_SECRET, path=path, query=params, body=content)
    if tamper:
        content = content.replace(b"10", b"11")
    return httpx.request(method, f"{sandbox.url}/tiktok{path}", params=params, content=content,
                         headers={"x-tts-access-token": token, "content-type": "application/json"})


def test_tiktok_signature_covers_the_body(sandbox: BackgroundSandbox, state: SandboxState):
    shop = state.create_shop("tiktok", app_id=TIKTOK_APP_KEY, products=2)
    token, *_ = state.issue_tokens("tiktok", shop.shop_id, TIKTOK_APP_KEY)
    ok = _tiktok(sandbox, "POST", "/product/202309/products/search", token=token, cipher=shop.cipher, body={},
                 query={"page_size": "10"})
    assert ok.json()["code"] == 0 and ok.json()["data"]["total_count"] == 2
    tampered = _tiktok(sandbox, "POST", "/order/202309/orders/search", token=token, cipher=shop.cipher,
                       body={"create_time_ge": 10}, query={"page_size": "10"}, tamper=True)
    assert tampered.json()["code"] == 106001


def test_tiktok_expired_token_missing_cipher_and_rate_limit(sandbox: BackgroundSandbox, state: SandboxState):
    shop = state.create_shop("tiktok", app_id=TIKTOK_APP_KEY, products=1)
    token, *_ = state.issue_tokens("tiktok", shop.shop_id, TIKTOK_APP_KEY)
    no_cipher = _tiktok(sandbox, "GET", "/order/202309/orders", token=token, cipher=None, query={"ids": "1"})
    assert no_cipher.json()["code"] == 106013
    state.config.rate_limit_per_second = 1
    first = _tiktok(sandbox, "GET", "/order/202309/orders", token=token, cipher=shop.cipher, query={"ids": "1"})
    second = _tiktok(sandbox, "GET", "/order/202309/orders", token=token, cipher=shop.cipher, query={"ids": "1"})
    assert first.status_code == 200 and second.status_code == 429 and second.json()["code"] == 36009002
    state.config.rate_limit_per_second = None
    state.expire_tokens("tiktok", shop.shop_id)
    expired = _tiktok(sandbox, "GET", "/order/202309/orders", token=token, cipher=shop.cipher, query={"ids": "1"})
    assert expired.json()["code"] == 105002


def test_control_api_arranges_a_scenario(sandbox: BackgroundSandbox):
    with httpx.Client(base_url=f"{sandbox.url}/_control") as control:
        shop = control.post("/shops", json={"platform": "tiktok", "app_key": "ctl-app", "app_secret": "ctl-secret",
                                            "products": 5}).json()
        assert shop["cipher"] and shop["products"] == 5
        base = f"/shops/tiktok/{shop['shop_id']}"
        products = control.get(f"{base}/products").json()
        sku = products[0]["skus"][0]
        orders = control.post(f"{base}/orders", json={"count": 2, "lines": [
            {"product_id": products[0]["product_id"], "sku_id": sku["sku_id"], "quantity": 2}]}).json()
        assert len(orders) == 2 and orders[0]["lines"][0]["quantity"] == 2
        moved = control.post(f"{base}/orders/{orders[0]['order_id']}/status", json={"status": "IN_TRANSIT"}).json()
        assert moved["status"] == "IN_TRANSIT"
        listing = control.get(f"{base}/listings/{products[0]['product_id']}").json()
        assert listing["skus"][0]["stock"] == max(0, sku["stock"] - 4)
        assert control.post("/faults", json={"kind": "rate_limit", "platform": "tiktok", "count": 2}).status_code == 201
        assert control.delete("/faults").json() == {"cleared": True}
        assert control.put(f"{base}/webhook", json={"callback_url": None}).status_code == 200
        assert control.get("/shops/tiktok/does-not-exist").status_code == 404
