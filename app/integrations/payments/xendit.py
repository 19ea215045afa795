"""Xendit invoices: create, get, expire, over the shared Transport (HTTP Basic, secret key, empty password).

The invoice's external_id is our order number; its status is PENDING, PAID, SETTLED or EXPIRED.
Xendit offers no refund of an invoice through this API: refund() says so as a ValidationError.
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

PLATFORM = "xendit"
LIVE_API_BASE = "https://api.xendit.co"
_STATES = {"PENDING": "pending", "PAID": "paid", "SETTLED": "paid", "EXPIRED": "expired"}


def state_of(status: str) -> str | None:
    return _STATES.get(status.upper())


class XenditGateway:
    provider = PLATFORM

    def __init__(self, *, secret_key: str, transport: Transport, api_base: str, key: str) -> None:
        self._auth = "Basic " + base64.b64encode(f"{secret_key}:".encode()).decode()
        self._transport = transport
        self._api = api_base.rstrip("/")
        self._key = key

    async def _call(self, op: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        def build(_token: str | None) -> httpx.Request:
            return httpx.Request(method, f"{self._api}{path}", json=body,
                                 headers={"Authorization": self._auth, "Content-Type": "application/json"})

        return await self._transport.send(op=op, build=build, decode=lambda r: decode_json(r, platform=PLATFORM),
                                          key=self._key)

    async def create(self, *, order_number: str, amount: int, buyer: Buyer, deadline: datetime,
                     finish_url: str) -> Checkout:
        seconds = max(60, int((deadline - datetime.now(UTC)).total_seconds()))
        body: dict[str, Any] = {
            "external_id": order_number, "amount": amount, "currency": "IDR", "invoice_duration": seconds,
            "description": f"Order {order_number}", "customer": {"given_names": buyer.name, "mobile_number": buyer.phone},
            "success_redirect_url": finish_url, "failure_redirect_url": finish_url,
        }
        if buyer.email:
            body["payer_email"] = buyer.email
        data = await self._call("xendit.invoice_create", "POST", "/v2/invoices", body)
        if not data.get("invoice_url") or not data.get("id"):
            raise errors.NetworkError("invoice answer without id or invoice_url", platform=PLATFORM)
        return Checkout(reference=str(data["id"]), redirect_url=str(data["invoice_url"]))

    async def status(self, *, order_number: str, reference: str = "") -> GatewayState:
        data = await self._call("xendit.invoice_get", "GET", f"/v2/invoices/{quote(reference, safe='')}")
        amount = data.get("amount")
        return GatewayState(str(data.get("external_id", order_number)), state_of(str(data.get("status", ""))) or "pending",
                            int(amount) if isinstance(amount, int | float) else None, data)

    async def expire(self, *, order_number: str, reference: str = "") -> None:
        await self._call("xendit.invoice_expire", "POST", f"/invoices/{quote(reference, safe='')}/expire!")

    async def refund(self, *, order_number: str, amount: int, reason: str) -> None:
        raise errors.ValidationError("Xendit invoices are refunded outside this API", platform=PLATFORM,
                                     seller_message="Refund this payment from your Xendit dashboard or by bank transfer.")
