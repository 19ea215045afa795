"""A Biteship-shaped courier aggregator: rates, orders (bookings), cancel, trackings, webhooks.

Authentication is the API key in the `authorization` header as is (no "Bearer"). Errors come as
{"success": false, "error": "...", "code": 40001001} with a 4xx status; 5xx means the aggregator
(or the courier behind it) is down. Webhooks carry no signature (see the package docstring).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

from app.core.i18n import N_
from app.integrations import errors
from app.integrations.couriers.gateway import (
    Booking,
    BookingRequest,
    Parcel,
    Rate,
    StatusNotice,
    Tracking,
    TrackingStep,
)
from app.integrations.transport import Transport, parse_retry_after

PLATFORM = "biteship"
LIVE_API_BASE = "https://api.biteship.com"


def decode(response: httpx.Response) -> dict[str, Any]:
    """An answer as data, or the IntegrationError its status says."""
    status = response.status_code
    try:
        data = response.json() if response.content else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        if status >= 500:
            raise errors.PlatformError(f"HTTP {status}", platform=PLATFORM, http_status=status) from None
        raise errors.NetworkError(f"HTTP {status}: body is not JSON", platform=PLATFORM, http_status=status) from None
    message = str(data.get("error") or data.get("message") or "") if isinstance(data, dict) else ""
    code = str(data.get("code") or "") if isinstance(data, dict) else ""
    if status == 429:
        raise errors.RateLimitError(message or "rate limited", platform=PLATFORM, http_status=status, code=code,
                                    retry_after=parse_retry_after(response.headers.get("retry-after")))
    if status >= 500:
        raise errors.PlatformError(message or f"HTTP {status}", platform=PLATFORM, http_status=status, code=code,
                                   seller_message=N_("The courier service is down right now. "
                                                            "StoreSync will try again by itself."))
    if status in (401, 403):
        raise errors.AuthError(message or "key refused", platform=PLATFORM, http_status=status, code=code,
                               reason=errors.AuthReason.CREDENTIALS,
                               seller_message=N_("The courier aggregator refused the API key. "
                                                        "Check it in Settings → Shipping."))
    if status >= 400:
        raise errors.ValidationError(message or f"HTTP {status}", platform=PLATFORM, http_status=status, code=code,
                                     seller_message=message[:200] or None)
    if not isinstance(data, dict):
        raise errors.NetworkError("answer is not a JSON object", platform=PLATFORM, http_status=status)
    return data


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class BiteshipGateway:
    provider = PLATFORM

    def __init__(self, *, api_key: str, transport: Transport, api_base: str, key: str) -> None:
        self._api_key = api_key
        self._transport = transport
        self._api = api_base.rstrip("/")
        self._key = key

    async def _call(self, op: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        def build(_token: str | None) -> httpx.Request:
            return httpx.Request(method, f"{self._api}{path}", json=body,
                                 headers={"authorization": self._api_key, "content-type": "application/json"})

        return await self._transport.send(op=op, build=build, decode=decode, key=self._key)

    async def rates(self, *, origin_postal: str, destination_postal: str, parcel: Parcel,
                    couriers: list[str]) -> list[Rate]:
        body = {"origin_postal_code": origin_postal, "destination_postal_code": destination_postal,
                "couriers": ",".join(couriers), "items": [_item(parcel)]}
        data = await self._call("biteship.rates", "POST", "/v1/rates/couriers", body)
        return [Rate(courier=str(p.get("courier_code", "")), courier_name=str(p.get("courier_name", "")),
                     service=str(p.get("courier_service_code", "")),
                     service_name=str(p.get("courier_service_name", "")), price=_int(p.get("price")),
                     duration=str(p.get("duration", "")),
                     cod_available=bool(p.get("available_for_cash_on_delivery")),
                     cod_fee=_int(p.get("cash_on_delivery_fee")))
                for p in data.get("pricing") or [] if isinstance(p, dict)]

    async def book(self, request: BookingRequest) -> Booking:
        body: dict[str, Any] = {
            "reference_id": request.reference,
            "origin_contact_name": request.origin.name, "origin_contact_phone": request.origin.phone,
            "origin_address": request.origin.address, "origin_postal_code": request.origin.postal_code,
            "destination_contact_name": request.destination.name,
            "destination_contact_phone": request.destination.phone,
            "destination_address": request.destination.address,
            "destination_postal_code": request.destination.postal_code,
            "courier_company": request.courier, "courier_type": request.service,
            "delivery_type": "now", "items": [_item(request.parcel)],
            "origin_collection_method": "pickup" if request.pickup else "drop_off",
        }
        if request.cod_amount:
            body["destination_cash_on_delivery"] = request.cod_amount
        data = await self._call("biteship.order_create", "POST", "/v1/orders", body)
        courier: dict[str, Any] = data["courier"] if isinstance(data.get("courier"), dict) else {}
        if not data.get("id") or not courier.get("waybill_id"):
            raise errors.NetworkError("order answer without id or waybill", platform=PLATFORM)
        return Booking(booking_id=str(data["id"]), waybill=str(courier["waybill_id"]),
                       tracking_id=str(courier.get("tracking_id") or data["id"]), status=str(data.get("status", "")),
                       price=_int(data.get("price")))

    async def cancel(self, booking_id: str, *, reason: str) -> None:
        await self._call("biteship.order_cancel", "POST", f"/v1/orders/{quote(booking_id, safe='')}/cancel",
                         {"cancellation_reason": reason[:200]})

    async def track(self, tracking_id: str) -> Tracking:
        data = await self._call("biteship.tracking", "GET", f"/v1/trackings/{quote(tracking_id, safe='')}")
        return Tracking(waybill=str(data.get("waybill_id", "")), status=str(data.get("status", "")),
                        history=[TrackingStep(str(h.get("status", "")), str(h.get("note", ""))[:300],
                                              str(h.get("updated_at", ""))) for h in data.get("history") or []
                                 if isinstance(h, dict)])

    def parse_notice(self, body: bytes) -> StatusNotice | None:
        return parse_notice(body)


def parse_notice(body: bytes) -> StatusNotice | None:
    """A Biteship `order.status` / `order.waybill_id` webhook as a StatusNotice; None otherwise."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("order_id"), str) or not data["order_id"]:
        return None
    event = str(data.get("event") or "")
    if event not in ("order.status", "order.waybill_id"):
        return None
    return StatusNotice(event=event, booking_id=data["order_id"][:80],
                        waybill=str(data.get("courier_waybill_id") or "")[:80],
                        status=str(data.get("status") or "")[:40], at=str(data.get("updated_at") or "")[:40], raw=data)


def _item(parcel: Parcel) -> dict[str, Any]:
    return {"name": parcel.description[:100], "value": parcel.value, "weight": parcel.weight_grams, "quantity": 1,
            "length": parcel.length_cm, "width": parcel.width_cm, "height": parcel.height_cm}
