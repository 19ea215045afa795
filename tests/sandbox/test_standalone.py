"""`storesync sandbox` serves the emulator on its own, accepting the SANDBOX_* credentials, so a client
written by someone else can sign requests against it."""

from __future__ import annotations

import time

import httpx
import pytest

from app.integrations.shopee import signing as shopee_signing
from app.integrations.tiktok import signing as tiktok_signing
from tests.support import free_port, spawn, stop, wait_http

PARTNER_ID = 4242001
PARTNER_KEY = "outside-client-partner-key"
APP_KEY = "outside-client-app"
APP_SECRET = "outside-client-app-secret"


@pytest.fixture(scope="module")
def standalone():
    port = free_port()
    proc = spawn(["sandbox", "--port", str(port)], SANDBOX_SHOPEE_PARTNER_ID=str(PARTNER_ID),
                 SANDBOX_SHOPEE_PARTNER_KEY=PARTNER_KEY, SANDBOX_TIKTOK_APP_KEY=APP_KEY,
                 SANDBOX_TIKTOK_APP_SECRET=APP_SECRET)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/_control/shops")
    except TimeoutError:
        print(stop(proc))
        raise
    yield url
    printed = stop(proc)
    assert PARTNER_KEY not in printed and APP_SECRET not in printed, "a sandbox secret was printed"


def _shop(url: str, platform: str) -> dict:
    [shop] = httpx.get(f"{url}/_control/shops", params={"platform": platform}).json()
    return shop


def _code(url: str, platform: str, shop_id: str) -> str:
    return httpx.post(f"{url}/_control/shops/{platform}/{shop_id}/authorization-code").json()["code"]


def _shopee_public(url: str, path: str, key: str, body: dict) -> httpx.Response:
    ts = int(time.time())
    sign = shopee_signing.api_sign(key, partner_id=PARTNER_ID, path=path, timestamp=ts)
    return httpx.post(f"{url}/shopee{path}", params={"partner_id": PARTNER_ID, "timestamp": ts, "sign": sign},
                      json=body)


def test_a_shopee_client_signs_with_the_sandbox_partner_key(standalone: str):
    shop = _shop(standalone, "shopee")
    assert shop["app_id"] == str(PARTNER_ID) and shop["products"] == 30
    body = {"code": _code(standalone, "shopee", shop["shop_id"]), "shop_id": int(shop["shop_id"]),
            "partner_id": PARTNER_ID}

    forged = _shopee_public(standalone, "/api/v2/auth/token/get", "storesync-sandbox-shopee-partner-key", body)
    tokens = _shopee_public(standalone, "/api/v2/auth/token/get", PARTNER_KEY, body)

    assert forged.status_code >= 400 and forged.json()["error"] == "error_sign"
    assert tokens.status_code == 200, tokens.text
    token = tokens.json()["access_token"]
    path, ts = "/api/v2/product/get_item_list", int(time.time())
    sign = shopee_signing.api_sign(PARTNER_KEY, partner_id=PARTNER_ID, path=path, timestamp=ts, access_token=token,
                                   shop_id=shop["shop_id"])
    listed = httpx.get(f"{standalone}/shopee{path}", params={
        "partner_id": PARTNER_ID, "timestamp": ts, "sign": sign, "access_token": token, "shop_id": shop["shop_id"],
        "offset": 0, "page_size": 100, "item_status": "NORMAL"})
    assert listed.status_code == 200 and listed.json()["response"]["total_count"] == 30


def test_a_tiktok_client_signs_with_the_sandbox_app_secret(standalone: str):
    shop = _shop(standalone, "tiktok")
    code = _code(standalone, "tiktok", shop["shop_id"])
    wrong = httpx.get(f"{standalone}/tiktok-auth/api/v2/token/get", params={
        "app_key": APP_KEY, "app_secret": "storesync-sandbox-app-secret", "auth_code": code,
        "grant_type": "authorized_code"})
    granted = httpx.get(f"{standalone}/tiktok-auth/api/v2/token/get", params={
        "app_key": APP_KEY, "app_secret": APP_SECRET, "auth_code": code, "grant_type": "authorized_code"})
    assert wrong.status_code == 401
    assert granted.status_code == 200, granted.text
    token = granted.json()["data"]["access_token"]

    path = "/authorization/202309/shops"
    query = {"app_key": APP_KEY, "timestamp": str(int(time.time()))}
    signed = httpx.get(f"{standalone}/tiktok{path}", headers={"x-tts-access-token": token},
                       params={**query, "sign": tiktok_signing.api_sign(APP_SECRET, path=path, query=query)})
    forged = httpx.get(f"{standalone}/tiktok{path}", headers={"x-tts-access-token": token},
                       params={**query, "sign": tiktok_signing.api_sign("guess", path=path, query=query)})

    assert signed.status_code == 200, signed.text
    assert [s["cipher"] for s in signed.json()["data"]["shops"]] == [shop["cipher"]]
    assert forged.status_code == 401
