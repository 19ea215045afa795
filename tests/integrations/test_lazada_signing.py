"""Lazada signing and error envelope, against the documented worked example."""

from __future__ import annotations

import httpx
import pytest

from app.integrations import errors
from app.integrations.lazada import client as lazada_client
from app.integrations.lazada import signing


def test_lazada_documented_get_order_example():
    # Lazada Open Platform documentation, "HTTP request sample" (GetOrder, app secret "helloworld").
    params = {"app_key": "123456", "access_token": "test", "timestamp": "1517820392000", "sign_method": "sha256",
              "order_id": "1234"}
    assert signing.sign_string("/order/get", params) == \
        b"/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"
    assert signing.api_sign("helloworld", path="/order/get", params=params) == \
        "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


def test_lazada_documented_sort_order_and_sign_is_excluded():
    # Lazada Open Platform documentation, "Signature algorithm": foo=1, bar=2, foo_bar=3, foobar=4.
    params = {"foo": "1", "bar": "2", "foo_bar": "3", "foobar": "4", "sign": "ignored"}
    assert signing.sign_string("/test/api", params) == b"/test/apibar2foo1foo_bar3foobar4"


def test_lazada_signature_check_is_case_insensitive_and_refuses_tampering():
    params = {"app_key": "123456", "timestamp": "1517820392000", "sign_method": "sha256", "order_id": "1234"}
    sign = signing.api_sign("helloworld", path="/order/get", params=params)
    assert sign == sign.upper()
    assert signing.signature_valid("helloworld", path="/order/get", params=params, sign=sign.lower())
    assert not signing.signature_valid("helloworld", path="/order/get", params={**params, "order_id": "1235"},
                                       sign=sign)
    assert not signing.signature_valid("other", path="/order/get", params=params, sign=sign)
    assert not signing.signature_valid("helloworld", path="/order/get", params=params, sign=None)


CASES = [
    ("IncompleteSignature", "ISV", 200, errors.AuthError, False),
    ("IllegalAccessToken", "ISV", 200, errors.AuthError, False),
    ("IllegalRefreshToken", "ISV", 200, errors.AuthError, False),
    ("InsufficientPermission", "ISV", 200, errors.PermissionError, False),
    ("ApiCallLimit", "ISV", 200, errors.RateLimitError, True),
    ("ServiceTimeout", "ISP", 200, errors.PlatformError, True),
    ("E0001", "ISP", 200, errors.PlatformError, True),
    ("MissingParameter", "ISV", 200, errors.ValidationError, False),
    ("InvalidParameter", "ISV", 400, errors.ValidationError, False),
]


@pytest.mark.parametrize(("code", "kind", "status", "cls", "retryable"), CASES)
def test_lazada_errors_map_to_the_taxonomy(code, kind, status, cls, retryable):
    response = httpx.Response(status, json={"code": code, "type": kind, "message": "m", "request_id": "0be6e7"})
    with pytest.raises(errors.IntegrationError) as raised:
        lazada_client.decode(response)
    error = raised.value
    assert type(error) is cls and error.retryable is retryable and error.seller_message
    assert error.code == code and error.request_id == "0be6e7" and error.platform == "lazada"


def test_lazada_auth_reasons_say_what_fixes_them():
    def err(code: str) -> errors.IntegrationError:
        return lazada_client.error_for(code, "", http_status=200, request_id=None)

    assert err("IllegalAccessToken").needs_refresh  # type: ignore[attr-defined]
    assert err("IllegalRefreshToken").needs_reauthorization  # type: ignore[attr-defined]
    assert err("IncompleteSignature").reason is errors.AuthReason.CREDENTIALS  # type: ignore[attr-defined]


def test_lazada_success_envelope_and_broken_bodies():
    assert lazada_client.decode(httpx.Response(200, json={"code": "0", "data": {"x": 1}}))["data"] == {"x": 1}
    with pytest.raises(errors.NetworkError):
        lazada_client.decode(httpx.Response(200, content=b"<html>"))
    with pytest.raises(errors.PlatformError):
        lazada_client.decode(httpx.Response(502, content=b"bad gateway"))
    with pytest.raises(errors.NetworkError):
        lazada_client.decode(httpx.Response(200, json={"data": {}}))
