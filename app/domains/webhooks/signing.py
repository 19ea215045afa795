"""The signature a receiver checks: `StoreSync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC is keyed with the endpoint's secret over `"<t>.<body>"` (the body's exact bytes), as
Stripe signs its webhooks: the timestamp is covered, so a receiver can refuse old replays.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "StoreSync-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh endpoint secret, shown to the seller (`whsec_` + 32 random bytes, url-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>"."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def header_value(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """True when `header` signs `body` with `secret` within `tolerance` seconds of `now` (what a
    receiver does; the README shows the same in a few lines)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
