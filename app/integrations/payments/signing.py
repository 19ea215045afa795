"""Verifying gateway notifications. Both checks compare in constant time (hmac.compare_digest).

Midtrans: signature_key = lowercase hex SHA-512(order_id + status_code + gross_amount + server_key),
over the strings exactly as received ("100000.00" is never re-formatted from an integer).
Xendit: the static header x-callback-token equals the account's callback verification token.
"""

from __future__ import annotations

import hashlib
import hmac


def midtrans_signature(order_id: str, status_code: str, gross_amount: str, server_key: str) -> str:
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def midtrans_valid(body: dict, server_key: str) -> bool:
    """True when the notification's signature_key matches; any missing or non-string field is False."""
    fields = [body.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
    if not server_key or not all(isinstance(value, str) for value in fields):
        return False
    order_id, status_code, gross_amount, signature = fields
    expected = midtrans_signature(order_id, status_code, gross_amount, server_key)  # type: ignore[arg-type]
    return hmac.compare_digest(expected.encode(), signature.lower().encode())  # type: ignore[union-attr]


def xendit_valid(received_token: str | None, callback_token: str) -> bool:
    if not received_token or not callback_token:
        return False
    return hmac.compare_digest(received_token.encode(), callback_token.encode())
