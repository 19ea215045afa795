"""Lazada Open Platform HTTP client: signed requests, envelope decoding, error mapping.

Every Lazada answer carries ``code`` ("0" is success) and, on failure, ``type`` (``ISV``: the
caller's fault, ``ISP``: the service's, ``SYSTEM``: the gateway's), ``message`` and ``request_id``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from app.integrations import errors
from app.integrations.base import TokenSource
from app.integrations.lazada import signing
from app.integrations.transport import Transport, parse_retry_after

PLATFORM = "lazada"
LIVE_API_BASE = "https://api.lazada.co.id/rest"
LIVE_AUTH_BASE = "https://auth.lazada.com/rest"
LIVE_AUTHORIZE_URL = "https://auth.lazada.com/oauth/authorize"

# The gateway's documented system error codes.
_CREDENTIALS = {"IncompleteSignature", "InvalidAppKey", "MissingAppKey", "AppWhiteListLimit"}
_TOKEN = {"IllegalAccessToken", "MissingAccessToken"}
_GRANT = {"IllegalRefreshToken", "InvalidCode", "InvalidRefreshToken"}
_PERMISSION = {"InsufficientPermission", "AccessDenied", "AppNotAuthorized"}
_RATE = {"ApiCallLimit", "AppCallLimit", "SellerCallLimit"}
_PLATFORM = {"ServiceTimeout", "ServiceUnavailable", "InternalError", "ISP.ServiceUnavailable"}


def error_for(code: str, message: str, *, kind: str | None = None, http_status: int | None,
              request_id: str | None, retry_after: float | None = None) -> errors.IntegrationError:
    """Map a Lazada ``code`` (and ``type``/HTTP status for unknown codes) onto the taxonomy."""
    common: dict[str, Any] = {"platform": PLATFORM, "code": code, "http_status": http_status,
                              "request_id": request_id}
    detail = message or f"Lazada error {code}"
    status = http_status or 0
    if code in _RATE or status == 429:
        return errors.RateLimitError(detail, retry_after=retry_after, **common)
    if code in _PLATFORM or status >= 500 or (kind == "ISP" and code not in _TOKEN):
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
    """The whole payload when ``code`` is "0" (Lazada puts ``data`` beside the token fields); else the mapped error."""
    try:
        payload = json.loads(response.content)
    except ValueError as exc:
        if response.status_code >= 500:
            raise errors.PlatformError(f"HTTP {response.status_code} with a non-JSON body", platform=PLATFORM,
                                       http_status=response.status_code) from exc
        raise errors.NetworkError(f"malformed JSON from Lazada (HTTP {response.status_code})", platform=PLATFORM,
                                  http_status=response.status_code) from exc
    if not isinstance(payload, dict) or "code" not in payload:
        raise errors.NetworkError("Lazada answered without an envelope", platform=PLATFORM,
                                  http_status=response.status_code)
    code = str(payload["code"])
    if code != "0" or response.status_code >= 400:
        message = str(payload.get("message") or "")
        # Product refusals name the payload field in ``detail[{field, message}]``; keep it in front,
        # where the publishing adapter reads which field was refused.
        detail = payload.get("detail")
        first = detail[0] if isinstance(detail, list) and detail and isinstance(detail[0], dict) else {}
        if first.get("field") and not message.startswith(f"{first['field']}:"):
            message = f"{first['field']}: {first.get('message') or message}"
        raise error_for(code, message, kind=payload.get("type"),
                        http_status=response.status_code, request_id=payload.get("request_id"),
                        retry_after=parse_retry_after(response.headers.get("Retry-After")))
    return payload


class LazadaClient:
    """Signs and sends Lazada calls through the shared Transport."""

    def __init__(self, *, app_key: str, app_secret: str, api_base: str, auth_base: str,
                 transport: Transport) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self.api_base = api_base.rstrip("/")
        self.auth_base = auth_base.rstrip("/")
        self.transport = transport

    def signed_params(self, path: str, params: Mapping[str, Any], access_token: str | None) -> dict[str, str]:
        """System parameters + business parameters + ``sign`` (timestamp in ms)."""
        out = {"app_key": self.app_key, "timestamp": str(int(time.time() * 1000)), "sign_method": "sha256",
               **{k: _param_value(v) for k, v in params.items() if v is not None}}
        if access_token:
            out["access_token"] = access_token
        out["sign"] = signing.api_sign(self.app_secret, path=path, params=out)
        return out

    async def call(
        self,
        method: str,
        path: str,
        *,
        op: str,
        params: Mapping[str, Any] | None = None,
        tokens: TokenSource | None = None,
        key: str | None = None,
        base: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        unsafe: bool = False,
    ) -> Any:
        """One API call; GET sends the parameters in the query, POST as a form body (both signed), or
        multipart with ``files`` (file parts are not signed). ``unsafe``: a create, never retried blindly."""
        root = (base or self.api_base).rstrip("/")

        def build(access_token: str | None) -> httpx.Request:
            signed = self.signed_params(path, params or {}, access_token)
            if method == "GET":
                return self.transport.http.build_request("GET", f"{root}{path}", params=signed)
            return self.transport.http.build_request(method, f"{root}{path}", data=signed,
                                                     files=dict(files) if files else None)

        return await self.transport.send(op=op, build=build, decode=decode, key=key, tokens=tokens, unsafe=unsafe)

    async def token(self, path: str, params: Mapping[str, str], *, op: str) -> Any:
        """A call to the auth host (/auth/token/create, /auth/token/refresh): signed, no access token."""
        return await self.call("POST", path, op=op, params=params, base=self.auth_base)


def _param_value(value: Any) -> str:
    if isinstance(value, (list, tuple, dict)):
        # Lazada takes arrays and objects as JSON text in a parameter.
        return json.dumps(value, separators=(",", ":"))
    return str(value)
