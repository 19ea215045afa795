"""Lazada Open Platform request signatures.

Shared with the sandbox so that both sides compute the documented rule from one implementation.
Rule (Lazada Open Platform, "Signature algorithm"): sort every parameter except ``sign`` by name
(ASCII order), concatenate key+value, prefix the API path, HMAC-SHA256 with the app secret,
uppercase hex.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

_UNSIGNED_PARAMS = frozenset({"sign"})


def sign_string(path: str, params: Mapping[str, str]) -> bytes:
    """api path + sorted key+value of every parameter except ``sign`` (empty values skipped, as the SDK does)."""
    parts = [path]
    for key in sorted(k for k in params if k not in _UNSIGNED_PARAMS):
        value = params[key]
        if key and value not in (None, ""):
            parts.append(f"{key}{value}")
    return "".join(parts).encode()


def api_sign(app_secret: str, *, path: str, params: Mapping[str, str]) -> str:
    """The ``sign`` parameter: uppercase hex HMAC-SHA256(app_secret, sign_string)."""
    return hmac.new(app_secret.encode(), sign_string(path, params), hashlib.sha256).hexdigest().upper()


def signature_valid(app_secret: str, *, path: str, params: Mapping[str, str], sign: str | None) -> bool:
    """Constant-time check of a request's ``sign`` (the sandbox's side)."""
    if not sign:
        return False
    return hmac.compare_digest(api_sign(app_secret, path=path, params=params), sign.strip().upper())


def push_sign(app_secret: str, *, app_key: str, body: bytes) -> str:
    """The ``Authorization`` header of a Lazada push: lowercase hex HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def push_signature_valid(app_secret: str, *, app_key: str, body: bytes, authorization: str | None) -> bool:
    if not authorization:
        return False
    return hmac.compare_digest(push_sign(app_secret, app_key=app_key, body=body), authorization.strip().lower())
