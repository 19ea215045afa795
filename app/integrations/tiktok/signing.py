"""TikTok Shop (202309+) request and webhook signatures.

Shared with the sandbox so that both sides compute the documented rule from one implementation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

# Never part of the signed string, per the documentation.
_UNSIGNED_PARAMS = frozenset({"sign", "access_token"})


def sign_string(path: str, query: Mapping[str, str], body: bytes | None) -> bytes:
    """path + sorted key+value of the query (without sign/access_token) + the exact body bytes."""
    parts = [path.encode()]
    for key in sorted(k for k in query if k not in _UNSIGNED_PARAMS):
        parts.append(f"{key}{query[key]}".encode())
    if body:
        parts.append(body)
    return b"".join(parts)


def wrap_and_sign(app_secret: str, inner: bytes) -> str:
    """Lowercase hex HMAC-SHA256(app_secret, app_secret + inner + app_secret)."""
    secret = app_secret.encode()
    return hmac.new(secret, secret + inner + secret, hashlib.sha256).hexdigest()


def api_sign(app_secret: str, *, path: str, query: Mapping[str, str], body: bytes | None = None) -> str:
    """The ``sign`` query parameter of a request (multipart bodies: pass ``body=None``)."""
    return wrap_and_sign(app_secret, sign_string(path, query, body))


def webhook_sign(app_secret: str, *, app_key: str, body: bytes) -> str:
    """The ``Authorization`` header of a webhook: HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def webhook_signature_valid(app_secret: str, *, app_key: str, body: bytes, authorization: str | None) -> bool:
    """Constant-time check of a webhook's Authorization header against the raw body bytes."""
    if not authorization:
        return False
    return hmac.compare_digest(webhook_sign(app_secret, app_key=app_key, body=body), authorization.strip().lower())
