"""The courier sandbox's HTTP face: a Biteship-shaped aggregator under /biteship (rates, orders,
cancel, trackings) and its control API under /_control/couriers (accounts and their webhook, fault
switches, unserviceable postal codes, the status progression, webhook replays)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import anyio.to_thread
from litestar import Request, Response, Router, delete, get, post, put
from pydantic import BaseModel, Field

from app.sandbox.courier_state import CourierOrder, CourierSandbox
from app.sandbox.responses import json_response


def _error(message: str, status: int, code: int) -> Response:
    return json_response({"success": False, "error": message, "code": code}, status)


def _gate(state: CourierSandbox, request: Request) -> tuple[str, Response | None]:
    """The caller's API key, or the answer to send instead (outage, unknown key)."""
    if state.take_outage():
        return "", _error("Service temporarily unavailable", 503, 50000000)
    key = request.headers.get("authorization", "")
    if not key or key not in state.accounts:
        return "", _error("Authentication failed: the API key is not valid", 401, 40100001)
    return key, None


def _order_body(order: CourierOrder) -> dict[str, Any]:
    return {"success": True, "message": "Order successfully retrieved", "object": "order", "id": order.id,
            "reference_id": order.reference, "price": order.price, "status": order.status,
            "courier": {"tracking_id": order.id, "waybill_id": order.waybill, "company": order.courier,
                        "type": order.service, "history": order.history},
            "destination": {"postal_code": order.destination_postal, "cash_on_delivery": order.cod_amount or None}}


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except Exception:  # noqa: BLE001 - any unreadable body is the same 400 to the caller
        return {}
    return data if isinstance(data, dict) else {}


def biteship_router(state: CourierSandbox) -> Router:
    @post("/v1/rates/couriers", status_code=200)
    async def rates(request: Request) -> Response:
        _key, refused = _gate(state, request)
        if refused:
            return refused
        body = await _json(request)
        origin, destination = str(body.get("origin_postal_code", "")), str(body.get("destination_postal_code", ""))
        if not (origin.isdigit() and len(origin) == 5 and destination.isdigit() and len(destination) == 5):
            return _error("Invalid origin or destination postal code", 400, 40001001)
        items = [i for i in body.get("items") or [] if isinstance(i, dict)]
        try:
            weight = sum(int(i.get("weight", 0)) * int(i.get("quantity", 1)) for i in items)
            value = sum(int(i.get("value", 0)) * int(i.get("quantity", 1)) for i in items)
        except (TypeError, ValueError):
            return _error("Items need a whole weight and value", 400, 40001002)
        if weight <= 0:
            return _error("Items weight must be more than zero", 400, 40001002)
        couriers = [c.strip() for c in str(body.get("couriers", "")).split(",") if c.strip()]
        pricing = state.rates(origin, destination, weight, value, couriers)
        return json_response({"success": True, "object": "courier_pricing", "message": "Success to retrieve courier pricing",
                              "origin": {"postal_code": int(origin)}, "destination": {"postal_code": int(destination)},
                              "pricing": pricing})

    @post("/v1/orders", status_code=200)
    async def create(request: Request) -> Response:
        key, refused = _gate(state, request)
        if refused:
            return refused
        try:
            order = state.book(key, await _json(request))
        except (ValueError, TypeError) as exc:
            return _error(str(exc), 400, 40002001)
        return json_response(_order_body(order) | {"message": "Order successfully created"})

    @get("/v1/orders/{order_id:str}")
    async def read(request: Request, order_id: str) -> Response:
        key, refused = _gate(state, request)
        if refused:
            return refused
        try:
            return json_response(_order_body(state.order(key, order_id)))
        except KeyError:
            return _error("Order not found", 404, 40400001)

    @post("/v1/orders/{order_id:str}/cancel", status_code=200)
    async def cancel(request: Request, order_id: str) -> Response:
        key, refused = _gate(state, request)
        if refused:
            return refused
        try:
            order = state.cancel(key, order_id)
        except KeyError:
            return _error("Order not found", 404, 40400001)
        except ValueError as exc:
            return _error(str(exc), 400, 40002002)
        return json_response(_order_body(order) | {"message": "Order successfully cancelled"})

    @get("/v1/trackings/{tracking_id:str}")
    async def tracking(request: Request, tracking_id: str) -> Response:
        key, refused = _gate(state, request)
        if refused:
            return refused
        try:
            order = state.order(key, tracking_id)
        except KeyError:
            return _error("Tracking not found", 404, 40400002)
        return json_response({"success": True, "object": "tracking", "id": order.id, "waybill_id": order.waybill,
                              "courier": {"company": order.courier}, "history": order.history,
                              "link": "", "order_id": order.id, "status": order.status})

    return Router(path="/biteship", route_handlers=[rates, create, read, cancel, tracking])


class AccountIn(BaseModel):
    api_key: str = Field(min_length=1)
    webhook_url: str = ""
    header_name: str = ""
    header_value: str = ""


class FaultIn(BaseModel):
    outage: int = 0  # calls to answer 503; -1 until cleared
    refuse: str = ""  # refuse the next booking with this message
    unserviceable: list[str] = Field(default_factory=list)


class StatusIn(BaseModel):
    status: str
    note: str = ""
    notify: bool = True


class ResendIn(BaseModel):
    status: str | None = None
    times: int = 1
    header_value: str | None = None


def courier_control_router(state: CourierSandbox) -> Router:
    @put("/accounts", status_code=200)
    async def account(data: AccountIn) -> dict[str, Any]:
        return asdict(state.register(data.api_key, data.webhook_url, data.header_name, data.header_value)) | {
            "header_value": "***"}

    @post("/faults", status_code=200)
    async def faults(data: FaultIn) -> dict[str, Any]:
        with state.lock:
            state.outage = data.outage
            state.refuse_next = data.refuse
            state.unserviceable.update(data.unserviceable)
        return {"outage": state.outage, "refuse": bool(state.refuse_next), "unserviceable": sorted(state.unserviceable)}

    @delete("/faults", status_code=204)
    async def clear() -> None:
        state.clear()

    @get("/orders/{order_id:str}")
    async def show(order_id: str) -> dict[str, Any]:
        return _order_body(state.by_waybill(order_id))

    @post("/orders/{order_id:str}/status", status_code=200)
    async def status(order_id: str, data: StatusIn) -> dict[str, Any]:
        return _order_body(state.set_status(order_id, data.status, data.note, notify=data.notify))

    @post("/orders/{order_id:str}/advance", status_code=200)
    async def advance(order_id: str) -> dict[str, Any]:
        return _order_body(state.advance(order_id))

    @post("/orders/{order_id:str}/resend", status_code=200)
    async def resend(order_id: str, data: ResendIn) -> dict[str, Any]:
        order = state.by_waybill(order_id)
        state.notify(order, data.status, header_value=data.header_value, times=max(1, min(data.times, 10)))
        return {"queued": data.times}

    @post("/flush", status_code=200)
    async def flush() -> dict[str, Any]:
        idle = await anyio.to_thread.run_sync(state.wait_idle)
        return {"idle": idle, "delivered": [{"status": d.status, "error": d.error} for d in state.delivered[-20:]]}

    def not_found(_request: Request, exc: Exception) -> Response:
        return json_response({"error": f"not found: {exc}"}, 404)

    def bad_request(_request: Request, exc: Exception) -> Response:
        return json_response({"error": str(exc)}, 400)

    return Router(path="/_control/couriers", route_handlers=[account, faults, clear, show, status, advance, resend,
                                                             flush],
                  exception_handlers={KeyError: not_found, ValueError: bad_request})


def courier_routers(state: CourierSandbox) -> list[Router]:
    return [biteship_router(state), courier_control_router(state)]
