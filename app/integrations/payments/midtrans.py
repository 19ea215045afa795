"""Midtrans: Snap create transaction, Core API status / cancel / expire / refund, over the shared Transport.

Auth is HTTP Basic with the server key as user name and an empty password. Snap answers 201
{token, redirect_url}; the Core API answers 200 with its own `status_code` in the body (a "404"
there is an unknown order). A refund works only for settled card / e-wallet / QRIS payments.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from app.integrations import errors
from app.integrations.payments.gateway import Buyer, Checkout, GatewayState, decode_json
from app.integrations.transport import Transport

PLATFORM = "midtrans"
LIVE_SNAP_BASE = "https://app.midtrans.com/snap/v1"
LIVE_API_BASE = "https://api.midtrans.com"
SANDBOX_SNAP_BASE = "https://app.sandbox.midtrans.com/snap/v1"
SANDBOX_API_BASE = "https://api.sandbox.midtrans.com"
ENABLED_PAYMENTS = ["other_qris", "gopay", "shopeepay", "bca_va", "bni_va", "bri_va", "permata_va", "echannel"]

# transaction_status (+ fraud_status) -> our state. capture counts as paid only with fraud "accept".
_STATES = {"settlement": "paid", "pending": "pending", "authorize": "pending", "expire": "expired",
           "deny": "failed", "cancel": "failed", "failure": "failed", "refund": "refunded",
           "partial_refund": "refunded", "chargeback": "refunded", "partial_chargeback": "refunded"}


def state_of(transaction_status: str, fraud_status: str | None) -> str | None:
    """Our state for a Midtrans status, None for one we do not know."""
    if transaction_status == "capture":
        return "paid" if (fraud_status or "accept") == "accept" else "pending"
    return _STATES.get(transaction_status)


def amount_of(gross_amount: Any) -> int | None:
    """Whole rupiah from "100000.00"; None when it has non-zero cents or is not a number."""
    text = str(gross_amount)
    whole, _, cents = text.partition(".")
    if not whole.isdigit() or (cents and (not cents.isdigit() or int(cents) != 0)):
        return None
    return int(whole)


class MidtransGateway:
    provider = PLATFORM

    def __init__(self, *, server_key: str, transport: Transport, snap_base: str, api_base: str, key: str) -> None:
        self._auth = "Basic " + base64.b64encode(f"{server_key}:".encode()).decode()
        self._transport = transport
        self._snap = snap_base.rstrip("/")
        self._api = api_base.rstrip("/")
        self._key = key  # the breaker's name for this merchant

    def _request(self, method: str, url: str, body: dict[str, Any] | None = None) -> httpx.Request:
        return httpx.Request(method, url, json=body, headers={
            "Authorization": self._auth, "Accept": "application/json", "Content-Type": "application/json"})

    async def _call(self, op: str, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        def decode(response: httpx.Response) -> dict[str, Any]:
            data = decode_json(response, platform=PLATFORM)
            code = str(data.get("status_code", ""))
            if code == "404":
                raise errors.ValidationError(str(data.get("status_message", "not found")), platform=PLATFORM,
                                             code=code, http_status=response.status_code)
            if code.isdigit() and int(code) >= 500:
                raise errors.PlatformError(str(data.get("status_message", "")), platform=PLATFORM, code=code)
            return data

        return await self._transport.send(op=op, build=lambda _token: self._request(method, url, body),
                                          decode=decode, key=self._key)

    async def create(self, *, order_number: str, amount: int, buyer: Buyer, deadline: datetime,
                     finish_url: str) -> Checkout:
        now = datetime.now(UTC)
        minutes = max(1, int((deadline - now).total_seconds() // 60))
        first, _, last = buyer.name.partition(" ")
        body = {
            "transaction_details": {"order_id": order_number, "gross_amount": amount},
            "customer_details": {"first_name": first, "last_name": last, "phone": buyer.phone,
                                 **({"email": buyer.email} if buyer.email else {})},
            "enabled_payments": ENABLED_PAYMENTS,
            "expiry": {"start_time": now.astimezone().strftime("%Y-%m-%d %H:%M:%S %z"), "unit": "minute",
                       "duration": minutes},
            "callbacks": {"finish": finish_url},
        }
        data = await self._call("midtrans.snap_create", "POST", f"{self._snap}/transactions", body)
        if not data.get("redirect_url"):
            raise errors.NetworkError("Snap answered without redirect_url", platform=PLATFORM)
        return Checkout(reference=str(data.get("token", "")), redirect_url=str(data["redirect_url"]))

    async def status(self, *, order_number: str, reference: str = "") -> GatewayState:
        data = await self._call("midtrans.status", "GET", f"{self._api}/v2/{quote(order_number, safe='')}/status")
        state = state_of(str(data.get("transaction_status", "")), data.get("fraud_status")) or "pending"
        return GatewayState(order_number, state, amount_of(data.get("gross_amount", "")), data)

    async def expire(self, *, order_number: str, reference: str = "") -> None:
        await self._call("midtrans.expire", "POST", f"{self._api}/v2/{quote(order_number, safe='')}/expire")

    async def cancel(self, *, order_number: str) -> None:
        await self._call("midtrans.cancel", "POST", f"{self._api}/v2/{quote(order_number, safe='')}/cancel")

    async def refund(self, *, order_number: str, amount: int, reason: str) -> None:
        await self._call("midtrans.refund", "POST", f"{self._api}/v2/{quote(order_number, safe='')}/refund",
                         {"refund_key": f"{order_number}-refund", "amount": amount, "reason": reason[:200]})
