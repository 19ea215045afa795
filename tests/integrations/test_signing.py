"""Signatures against worked examples. Sources are named next to each one."""

from __future__ import annotations

from app.integrations.shopee import signing as shopee
from app.integrations.tiktok import signing as tiktok


def test_shopee_public_sign_matches_worked_example_auth_partner():
    # MARKETPLACES.md, Shopee worked example 1 (public API base string).
    assert shopee.api_sign("test_partner_key_S1", partner_id=2001887, path="/api/v2/shop/auth_partner",
                           timestamp=1655714431) == "68d799c614f221f3a9e946b4abbc07f0061c352bfc4e5a089a1f40e783245d37"


def test_shopee_public_sign_matches_worked_example_token_get():
    # MARKETPLACES.md, Shopee worked example 2.
    assert shopee.api_sign("test_partner_key_S1", partner_id=2001887, path="/api/v2/auth/token/get",
                           timestamp=1655714431) == "c7742a4cc3a4746da0786e78db837efddbec90f3b203588d6096d0e2036592c6"


def test_shopee_shop_sign_appends_token_and_shop_id():
    # MARKETPLACES.md, Shopee worked example 3 (shop API base string).
    assert shopee.api_sign("test_partner_key", partner_id=123456, path="/api/v2/order/get_order_list",
                           timestamp=1710000000, access_token="token_value", shop_id=654321) == \
        "174af5342b881750dad12a896dffa27da126f1e58a9eb99b12e59a06c288735c"


def test_shopee_push_sign_covers_url_bar_and_raw_body():
    # MARKETPLACES.md, Shopee push example.
    assert shopee.push_sign("PARTNER_KEY", callback_url="http://localhost/webhook", body=b"HELLO") == \
        "b43c7e4cad148d440597015f1da5a0b9335895110ca4399785593bbf6e0e329e"
    assert not shopee.push_signature_valid("PARTNER_KEY", callback_url="http://localhost/webhook", body=b"HELLO!",
                                           authorization="b43c7e4cad148d440597015f1da5a0b9335895110ca4399785593bbf6e0e329e")


def test_tiktok_official_example_gives_b596b73e():
    # Published in TikTok Shop's official signing documentation (quoted in MARKETPLACES.md).
    assert tiktok.api_sign("e59af819cc", path="/authorization/202309/shops",
                           query={"app_key": "29a39d", "timestamp": "1623812664"}) == \
        "b596b73e0cc6de07ac26f036364178ab16b0a907af13d43f0a0cd2345f582dc8"


def test_tiktok_sign_ignores_sign_and_access_token_params():
    query = {"app_key": "29a39d", "timestamp": "1623812664", "sign": "x", "access_token": "y"}
    assert tiktok.api_sign("e59af819cc", path="/authorization/202309/shops", query=query).startswith("b596b73e")


def test_tiktok_wrap_example():
    # MARKETPLACES.md, second TikTok example: the wrapped inner string "/test-apifoobar".
    assert tiktok.wrap_and_sign("app_secret", b"/test-apifoobar") == \
        "d3cb7fe11ecae942802ceeca67e7cf10120cc12f1517d45fbc1c8cfe5413c80f"
    # The same string built by the rule: path + sorted key+value (no body).
    assert tiktok.sign_string("/test-api", {"foo": "bar"}, None) == b"/test-apifoobar"


def test_tiktok_sign_string_appends_exact_body_bytes_after_sorted_params():
    inner = tiktok.sign_string("/p", {"b": "2", "a": "1"}, b'{"x":1}')
    assert inner == b'/pa1b2{"x":1}'


def test_tiktok_webhook_sign_is_hmac_of_app_key_and_body():
    # Computed from the rule (HMAC-SHA256(app_secret, app_key + raw body)) with the SDKs' test pair.
    import hashlib
    import hmac

    body = b'{"type":1}'
    expected = hmac.new(b"fake_app_secret", b"fake_app_key" + body, hashlib.sha256).hexdigest()
    assert tiktok.webhook_sign("fake_app_secret", app_key="fake_app_key", body=body) == expected
    assert tiktok.webhook_signature_valid("fake_app_secret", app_key="fake_app_key", body=body,
                                          authorization=expected.upper())
