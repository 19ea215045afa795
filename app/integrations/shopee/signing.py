"""Shopee Open Platform v2 signatures (API calls and push notifications).

The sandbox imports these too: one implementation of the documented rule, tested against the
documented worked examples, so that client and emulator cannot drift apart silently.
"""

from __future__ import annotations

import hashlib
import hmac


def api_sign(
    partner_key: str,
    *,
    partner_id: int | str,
    path: str,
    timestamp: int,
    access_token: str | None = None,
    shop_id: int | str | None = None,
) -> str:
    """Lowercase hex HMAC-SHA256 over partner_id + path + timestamp [+ access_token + shop_id].

    ``path`` is the path after the host (``/api/v2/...``). Public APIs pass neither token nor
    shop; shop APIs pass both (merchant APIs pass the merchant id as ``shop_id``).
    """
    base = f"{partner_id}{path}{timestamp}"
    if access_token is not None:
        base += f"{access_token}{shop_id if shop_id is not None else ''}"
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def push_sign(partner_key: str, *, callback_url: str, body: bytes) -> str:
    """The ``Authorization`` header of a push: HMAC-SHA256(partner_key, callback_url + "|" + raw body)."""
    return hmac.new(partner_key.encode(), callback_url.encode() + b"|" + body, hashlib.sha256).hexdigest()


def push_signature_valid(partner_key: str, *, callback_url: str, body: bytes, authorization: str | None) -> bool:
    """Constant-time check of a push's Authorization header against the raw body bytes."""
    if not authorization:
        return False
    expected = push_sign(partner_key, callback_url=callback_url, body=body)
    return hmac.compare_digest(expected, authorization.strip().lower())
