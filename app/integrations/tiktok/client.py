"""TikTok Shop (202309+) HTTP client: signed requests, envelope decoding, error mapping."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from app.integrations import errors
from app.integrations.base import TokenSource
from app.integrations.tiktok import signing
from app.integrations.transport import Transport, parse_retry_after

PLATFORM = "tiktok"
LIVE_API_BASE = "https://open-api.tiktokglobalshop.com"
LIVE_AUTH_BASE = "https://auth.tiktok-shops.com"
LIVE_AUTHORIZE_URL = "https://services.tiktokshop.com/open/authorize"

_CREDENTIALS = {106001, 36009004}
_TOKEN = {105001, 105002}
_PERMISSION = {105005}
_RATE = {36009002}
_PLATFORM = {36009005}
# Token host: the code or refresh token is unknown, spent or expired — only a new
# authorization helps.
_GRANT = {36004004}


def error_for(code: int, message: str, *, http_status: int | None, request_id: str | None,
              retry_after: float | None = None) -> errors.IntegrationError:
    """Map a TikTok ``code`` (and HTTP status for unknown codes) onto the taxonomy."""
    common: dict[str, Any] = {"platform": PLATFORM, "code": str(code), "http_status": http_status, "request_id": request_id}
    detail = message or f"TikTok error {code}"
    status = http_status or 0
    if code in _RATE or status == 429:
        return errors.RateLimitError(detail, retry_after=retry_after, **common)
    if code in _PLATFORM or status >= 500:
        return errors.PlatformError(detail, **common)
    if code in _TOKEN:
        return errors.AuthError(detail, reason=errors.AuthReason.TOKEN_EXPIRED, **common)
    if code in _GRANT:
        return errors.AuthError(detail, reason=errors.AuthReason.REAUTHORIZE, **common)
    if code in _CREDENTIALS:
        return errors.AuthError(detail, reason=errors.AuthReason.CREDENTIALS, **common)
    if code in _PERMISSION or status == 403:
        return errors.PermissionError(detail, **common)
    if status == 401:
        return errors.AuthError(detail, reason=errors.AuthReason.TOKEN_EXPIRED, **common)
    return errors.ValidationError(detail, **common)


def decode(response: httpx.Response) -> Any:
    """The envelope's ``data`` when ``code`` is 0; otherwise the mapped IntegrationError."""
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        if response.status_code >= 500:
            raise errors.PlatformError(f"HTTP {response.status_code} with a non-JSON body", platform=PLATFORM,
                                       http_status=response.status_code) from exc
        raise errors.NetworkError(f"malformed JSON from TikTok (HTTP {response.status_code})", platform=PLATFORM,
                                  http_status=response.status_code) from exc
    if not isinstance(payload, dict) or "code" not in payload:
        raise errors.NetworkError("TikTok answered without an envelope", platform=PLATFORM,
                                  http_status=response.status_code)
    try:
        code = int(payload["code"])
    except (TypeError, ValueError) as exc:
        raise errors.NetworkError(f"TikTok envelope code is not a number: {payload['code']!r}",
                                  platform=PLATFORM) from exc
    if code != 0 or response.status_code >= 400:
        raise error_for(code, str(payload.get("message") or ""), http_status=response.status_code,
                        request_id=payload.get("request_id"),
                        retry_after=parse_retry_after(response.headers.get("Retry-After")))
    return payload.get("data") or {}


class TikTokClient:
    """Signs and sends TikTok Shop calls through the shared Transport."""

    def __init__(self, *, app_key: str, app_secret: str, api_base: str, auth_base: str,
                 transport: Transport) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.api_base = api_base.rstrip("/")
        self.auth_base = auth_base.rstrip("/")
        self.transport = transport

    async def call(
        self,
        method: str,
        path: str,
        *,
        op: str,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        cipher: str | None = None,
        tokens: TokenSource | None = None,
        key: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        form: Mapping[str, str] | None = None,
        unsafe: bool = False,
    ) -> Any:
        """One API call; ``cipher`` goes on shop-scoped paths, never on /authorization/ or /seller/.
        ``files`` (and ``form``) send multipart/form-data, which the signature does not cover."""
        # The signature covers the exact bytes sent, so the body is serialised once, here.
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        extra = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}

        def build(access_token: str | None) -> httpx.Request:
            params = {"app_key": self.app_key, "timestamp": str(int(time.time())), **extra}
            if cipher:
                params["shop_cipher"] = cipher
            params["sign"] = signing.api_sign(self.app_secret, path=path, query=params, body=content)
            headers = {"Content-Type": "application/json"} if files is None else {}
            if access_token:
                headers["x-tts-access-token"] = access_token
            if files is not None:
                return self.transport.http.build_request(method, f"{self.api_base}{path}", params=params,
                                                         files=dict(files), data=dict(form or {}), headers=headers)
            return self.transport.http.build_request(method, f"{self.api_base}{path}", params=params,
                                                     content=content, headers=headers)

        return await self.transport.send(op=op, build=build, decode=decode, key=key, tokens=tokens,
                                         unsafe=unsafe)

    async def token(self, path: str, params: Mapping[str, str], *, op: str) -> Any:
        """A call to the token host: app_secret in the query, no signature."""
        query = {"app_key": self.app_key, "app_secret": self.app_secret, **params}

        def build(_: str | None) -> httpx.Request:
            return self.transport.http.build_request("GET", f"{self.auth_base}{path}", params=query)

        return await self.transport.send(op=op, build=build, decode=decode)


def _query_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        # Arrays in the query are comma-joined.
        return ",".join(str(v) for v in value)
    return str(value)
