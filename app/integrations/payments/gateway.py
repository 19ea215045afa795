"""The PaymentGateway protocol, its plain answers, and the HTTP decoding both gateways share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from app.integrations import errors
from app.integrations.transport import parse_retry_after


@dataclass(frozen=True)
class Checkout:
    """A payment opened at the gateway: where the buyer pays."""

    reference: str  # Snap token / Xendit invoice id
    redirect_url: str


@dataclass(frozen=True)
class GatewayState:
    """The gateway's view of one payment, in our words: pending, paid, expired, failed, refunded."""

    order_number: str
    state: str
    amount: int | None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Buyer:
    name: str
    phone: str
    email: str | None = None


class PaymentGateway(Protocol):
    provider: str

    async def create(self, *, order_number: str, amount: int, buyer: Buyer, deadline: datetime,
                     finish_url: str) -> Checkout:
        """Open a payment for `amount` rupiah payable until `deadline`."""

    async def status(self, *, order_number: str, reference: str = "") -> GatewayState: ...

    async def expire(self, *, order_number: str, reference: str = "") -> None:
        """Close an unpaid payment so the buyer can no longer pay it."""

    async def refund(self, *, order_number: str, amount: int, reason: str) -> None:
        """Give money back where the channel allows; errors.ValidationError where it does not."""


def decode_json(response: httpx.Response, *, platform: str) -> dict[str, Any]:
    """A gateway answer as data, or the IntegrationError the marketplace adapters would raise."""
    status = response.status_code
    try:
        data = response.json() if response.content else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        if status >= 500:
            raise errors.PlatformError(f"HTTP {status}", platform=platform, http_status=status) from None
        raise errors.NetworkError(f"HTTP {status}: body is not JSON", platform=platform, http_status=status) from None
    message = ""
    if isinstance(data, dict):
        message = str(data.get("status_message") or data.get("message") or data.get("error_messages") or "")
        code = str(data.get("error_code") or data.get("status_code") or "")
    else:
        code = ""
    if status == 429:
        raise errors.RateLimitError(message or "rate limited", platform=platform, http_status=status, code=code,
                                    retry_after=parse_retry_after(response.headers.get("retry-after")))
    if status >= 500:
        raise errors.PlatformError(message or f"HTTP {status}", platform=platform, http_status=status, code=code)
    if status == 401:
        raise errors.AuthError(message or "key refused", platform=platform, http_status=status, code=code,
                               reason=errors.AuthReason.CREDENTIALS)
    if status == 403:
        raise errors.PermissionError(message or "forbidden", platform=platform, http_status=status, code=code)
    if status >= 400:
        raise errors.ValidationError(message or f"HTTP {status}", platform=platform, http_status=status, code=code)
    if not isinstance(data, dict):
        raise errors.NetworkError("answer is not a JSON object", platform=platform, http_status=status)
    return data
