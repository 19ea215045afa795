"""Shopee Open Platform v2 HTTP client: signed requests, envelope decoding, error mapping.

Returns the ``response`` object of the envelope as plain dicts; turning them into domain objects
is the adapter's job.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import httpx

from app.integrations import errors
from app.integrations.base import TokenSource
from app.integrations.shopee import signing
from app.integrations.transport import Transport, parse_retry_after

PLATFORM = "shopee"
LIVE_BASE_URL = "https://partner.shopeemobile.com"
TEST_BASE_URL = "https://openplatform.sandbox.test-stable.shopee.sg"

_VALIDATION = {"error_param", "error_not_found", "error_item_not_found", "error_data"}
_REAUTH = {"refresh_token_expired", "error_shop_refresh_token", "shop_no_linked", "error_shop"}
_CREDENTIALS = {"error_sign", "invalid_partner_id", "error_partner"}
_TOKEN = {"invalid_acceess_token", "invalid_access_token", "error_auth", "error_token"}
_PLATFORM = {"error_system_busy", "error_server", "error_inner", "error_busi_sys"}
_SHOPEE_TZ = timezone(timedelta(hours=8))


def _seconds_to_shopee_midnight() -> float:
    # error_limit is the daily quota; it resets at 00:00 UTC+8.
    now = datetime.now(_SHOPEE_TZ)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def error_for(code: str, message: str, *, http_status: int | None, request_id: str | None,
              retry_after: float | None = None) -> errors.IntegrationError:
    """Map a Shopee ``error`` code (and HTTP status for unknown codes) onto the taxonomy."""
    common: dict[str, Any] = {"platform": PLATFORM, "code": code, "http_status": http_status, "request_id": request_id}
    detail = message or code
    if code == "error_rate_limit":
        return errors.RateLimitError(detail, retry_after=retry_after, **common)
    if code == "error_limit":
        return errors.RateLimitError(detail, retry_after=retry_after or _seconds_to_shopee_midnight(), **common)
    if code in _PLATFORM:
        return errors.PlatformError(detail, **common)
    if code in _CREDENTIALS:
        return errors.AuthError(detail, reason=errors.AuthReason.CREDENTIALS, **common)
    if code in _REAUTH:
        return errors.AuthError(detail, reason=errors.AuthReason.REAUTHORIZE, **common)
    if code in _TOKEN:
        return errors.AuthError(detail, reason=errors.AuthReason.TOKEN_EXPIRED, **common)
    if code == "error_api_permission" or code.endswith("permission"):
        return errors.PermissionError(detail, **common)
    if code in _VALIDATION or code.startswith(("product.", "order.", "logistics.")):
        return errors.ValidationError(detail, **common)
    status = http_status or 0
    if status == 429:
        return errors.RateLimitError(detail, retry_after=retry_after, **common)
    if status >= 500:
        return errors.PlatformError(detail, **common)
    if status in (401,):
        return errors.AuthError(detail, reason=errors.AuthReason.TOKEN_EXPIRED, **common)
    if status == 403:
        return errors.PermissionError(detail, **common)
    return errors.ValidationError(detail, **common)


def decode(response: httpx.Response) -> dict[str, Any]:
    """The whole envelope when ``error`` is empty; otherwise the mapped IntegrationError."""
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        if response.status_code >= 500:
            raise errors.PlatformError(f"HTTP {response.status_code} with a non-JSON body", platform=PLATFORM,
                                       http_status=response.status_code) from exc
        raise errors.NetworkError(f"malformed JSON from Shopee (HTTP {response.status_code})", platform=PLATFORM,
                                  http_status=response.status_code) from exc
    if not isinstance(payload, dict):
        raise errors.NetworkError("Shopee answered with a JSON value that is not an object", platform=PLATFORM)
    code = payload.get("error") or ""
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    if code:
        raise error_for(str(code), str(payload.get("message") or ""), http_status=response.status_code,
                        request_id=payload.get("request_id"), retry_after=retry_after)
    if response.status_code >= 400:
        raise error_for("", f"HTTP {response.status_code}", http_status=response.status_code,
                        request_id=payload.get("request_id"), retry_after=retry_after)
    return payload


def decode_file(response: httpx.Response) -> bytes:
    """A downloaded file (``download_shipping_document`` answers with the PDF itself); a JSON
    body is the envelope of a refusal, raised as its IntegrationError."""
    if response.status_code == 200 and response.content.startswith(b"%PDF"):
        return response.content
    decode(response)
    raise errors.NetworkError("Shopee answered a download with neither a PDF nor an error", platform=PLATFORM,
                              http_status=response.status_code)


def decode_response(response: httpx.Response) -> dict[str, Any]:
    """The envelope's ``response`` object (shop APIs)."""
    return decode(response).get("response") or {}


class ShopeeClient:
    """Signs and sends Shopee v2 calls through the shared Transport."""

    def __init__(self, *, partner_id: int, partner_key: str, base_url: str, transport: Transport) -> None:
        self.partner_id = int(partner_id)
        self.partner_key = partner_key
        self.base_url = base_url.rstrip("/")
        self.transport = transport

    def _common(self, path: str, access_token: str | None, shop_id: str | None) -> list[tuple[str, str]]:
        timestamp = int(time.time())
        sign = signing.api_sign(self.partner_key, partner_id=self.partner_id, path=path, timestamp=timestamp,
                                access_token=access_token, shop_id=shop_id)
        params = [("partner_id", str(self.partner_id)), ("timestamp", str(timestamp))]
        if access_token is not None:
            params += [("access_token", access_token), ("shop_id", str(shop_id))]
        params.append(("sign", sign))
        return params

    def public_url(self, path: str, extra: Mapping[str, str] | None = None) -> str:
        """A signed URL of a public API (e.g. the seller-facing ``shop/auth_partner`` page)."""
        query = self._common(path, None, None) + list((extra or {}).items())
        return f"{self.base_url}{path}?{urlencode(query)}"

    async def call(
        self,
        method: str,
        path: str,
        *,
        op: str,
        query: Sequence[tuple[str, Any]] | Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        shop_id: str | None = None,
        tokens: TokenSource | None = None,
        key: str | None = None,
        envelope: bool = False,
        file: bool = False,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        unsafe: bool = False,
    ) -> Any:
        """One API call. Shop APIs pass ``shop_id`` and ``tokens``; public APIs pass neither.

        Returns the envelope's ``response`` (or the whole envelope when ``envelope`` is set, as the
        auth endpoints answer at the top level; or the bytes of a downloaded file when ``file`` is set).
        """
        extra = list(query.items()) if isinstance(query, Mapping) else list(query or [])
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else None

        def build(access_token: str | None) -> httpx.Request:
            params = self._common(path, access_token, shop_id if access_token is not None else None)
            params += [(k, _query_value(v)) for k, v in extra]
            if files is not None:  # multipart upload (media_space.upload_image); not signed over
                return self.transport.http.build_request(method, f"{self.base_url}{path}", params=tuple(params),
                                                         files=dict(files))
            headers = {"Content-Type": "application/json"} if content is not None else {}
            return self.transport.http.build_request(method, f"{self.base_url}{path}", params=tuple(params),
                                                     content=content, headers=headers)

        return await self.transport.send(
            op=op, build=build, decode=decode_file if file else decode if envelope else decode_response,
            key=key, tokens=tokens, unsafe=unsafe,
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)

