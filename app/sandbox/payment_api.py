"""The payment sandbox's HTTP face: Midtrans Snap + Core API under /midtrans, Xendit invoices under
/xendit, the simulated payment pages a tester clicks (pay / expire / deny), and its control API under
/_control/payments. Same paths, auth and answers as the gateways document; only the host differs.
"""

from __future__ import annotations

import asyncio
import base64
import html
from typing import Any, Literal

import anyio.to_thread
from litestar import Request, Response, Router, delete, get, post, put
from litestar.params import FromPath
from litestar.response import Redirect
from pydantic import BaseModel, Field

from app.sandbox.payment_state import API_FAULTS, PaymentFault, PaymentSandbox, Transaction
from app.sandbox.responses import json_response


def _basic_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, _password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user or None


def _public(state: PaymentSandbox, request: Request) -> str:
    return state.public_url or str(request.base_url).rstrip("/")


async def _api_fault(state: PaymentSandbox, provider: str) -> Response | None:
    fault = state.take_fault(provider, API_FAULTS)
    if fault is None:
        return None
    if fault.kind == "rate_limit":
        return json_response({"status_code": "429", "error_code": "RATE_LIMIT_EXCEEDED",
                              "message": "Too many requests"}, 429, {"Retry-After": "1"})
    if fault.kind == "server_error":
        return json_response({"status_code": "500", "error_code": "SERVER_ERROR",
                              "message": "Sorry, we encountered internal server error."}, 500)
    await asyncio.sleep(fault.seconds)
    return None


def _page(title: str, amount: int, order_id: str, status: str, actions: list[tuple[str, str]]) -> Response:
    buttons = "".join(
        f'<form method="post" action="{html.escape(url)}"><button type="submit" name="action" value="{value}" '
        f'data-action="{value}">{html.escape(value.capitalize())}</button></form>' for value, url in actions)
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;"
        "padding:0 1rem}form{display:inline-block;margin:.5rem .5rem 0 0}button{font-size:1.1rem;padding:.8rem 1.4rem;"
        "border-radius:6px;border:1px solid #0b5;background:#0b5;color:#fff}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>Order <strong id=order>{html.escape(order_id)}</strong></p>"
        f"<p>Amount <strong id=amount>Rp {amount:,}</strong></p><p>Status <strong id=status>{html.escape(status)}</strong></p>"
        f"{buttons}<p><small>StoreSync payment sandbox: no money moves.</small></p></body></html>"
    ).replace("Rp ", "Rp&nbsp;")
    return Response(content=page, media_type="text/html", status_code=200)


def _finish(tx: Transaction, status: str) -> Response:
    if not tx.finish_url:
        return Redirect(path="about:blank", status_code=303)
    sep = "&" if "?" in tx.finish_url else "?"
    return Redirect(path=f"{tx.finish_url}{sep}order_id={tx.order_id}&transaction_status={status}", status_code=303)


class SnapIn(BaseModel):
    transaction_details: dict[str, Any]
    callbacks: dict[str, Any] = Field(default_factory=dict)
    expiry: dict[str, Any] = Field(default_factory=dict)


def midtrans_router(state: PaymentSandbox) -> Router:
    def merchant_or_401(request: Request) -> str | Response:
        key = _basic_key(request)
        if key is None or key not in state.merchants:
            return json_response({"status_code": "401", "status_message": "Access denied, please check client or "
                                  "server key", "error_messages": ["Access denied"]}, 401)
        return key

    @post("/snap/v1/transactions", status_code=201)
    async def snap_create(request: Request) -> Response:
        key = merchant_or_401(request)
        if isinstance(key, Response):
            return key
        if (fault := await _api_fault(state, "midtrans")) is not None:
            return fault
        try:
            data = SnapIn.model_validate(await request.json())
        except Exception:
            return json_response({"error_messages": ["transaction_details is required"]}, 400)
        order_id = data.transaction_details.get("order_id")
        amount = data.transaction_details.get("gross_amount")
        if not isinstance(order_id, str) or not order_id or len(order_id) > 50:
            return json_response({"error_messages": ["transaction_details.order_id is required"]}, 400)
        if not isinstance(amount, int) or amount < 1:
            return json_response({"error_messages": ["transaction_details.gross_amount must be an integer >= 1"]}, 400)
        minutes = int(data.expiry.get("duration") or 1440) if data.expiry.get("unit", "minute") == "minute" else 1440
        try:
            tx = state.create_snap(key, order_id, amount, str(data.callbacks.get("finish") or ""), minutes)
        except ValueError as exc:
            return json_response({"error_messages": [str(exc)]}, 400)
        return json_response({"token": tx.reference,
                              "redirect_url": f"{_public(state, request)}/midtrans/snap/v4/redirection/{tx.reference}"},
                             201)

    async def _core(request: Request, order_id: str) -> Transaction | Response:
        key = merchant_or_401(request)
        if isinstance(key, Response):
            return key
        if (fault := await _api_fault(state, "midtrans")) is not None:
            return fault
        tx = state.midtrans.get(order_id)
        if tx is None or tx.key != key:
            return json_response({"status_code": "404", "status_message": "Transaction doesn't exist."}, 404)
        return tx

    @get("/v2/{order_id:str}/status")
    async def status(request: Request, order_id: FromPath[str]) -> Response:
        tx = await _core(request, order_id)
        if isinstance(tx, Response):
            return tx
        return json_response(state.midtrans_body(tx))

    async def _act(request: Request, order_id: str, action: str) -> Response:
        tx = await _core(request, order_id)
        if isinstance(tx, Response):
            return tx
        try:
            tx = await anyio.to_thread.run_sync(state.midtrans_act, order_id, action)
        except ValueError as exc:
            return json_response({"status_code": "412", "status_message": str(exc)}, 412)
        return json_response({**state.midtrans_body(tx), "status_message": f"Success, transaction is {tx.status}"})

    @post("/v2/{order_id:str}/expire", status_code=200)
    async def expire(request: Request, order_id: FromPath[str]) -> Response:
        return await _act(request, order_id, "expire")

    @post("/v2/{order_id:str}/cancel", status_code=200)
    async def cancel(request: Request, order_id: FromPath[str]) -> Response:
        return await _act(request, order_id, "cancel")

    @post("/v2/{order_id:str}/refund", status_code=200)
    async def refund(request: Request, order_id: FromPath[str]) -> Response:
        tx = await _core(request, order_id)
        if isinstance(tx, Response):
            return tx
        body = await request.json() if await request.body() else {}
        amount = body.get("amount", tx.amount) if isinstance(body, dict) else tx.amount
        try:
            tx = state.midtrans_refund(order_id, int(amount))
        except (ValueError, TypeError) as exc:
            return json_response({"status_code": "412", "status_message": str(exc)}, 412)
        return json_response({**state.midtrans_body(tx), "refund_amount": f"{int(amount)}.00"})

    @get("/snap/v4/redirection/{token:str}")
    async def pay_page(token: FromPath[str]) -> Response:
        try:
            tx = state.snap_by_token(token)
        except KeyError:
            return json_response({"error_messages": ["token not found"]}, 404)
        actions = [(a, f"{token}/{a}") for a in ("pay", "expire", "deny")] if tx.status == "pending" else []
        return _page("Midtrans Snap (sandbox)", tx.amount, tx.order_id, tx.status, actions)

    @post("/snap/v4/redirection/{token:str}/{action:str}", status_code=303)
    async def pay_action(token: FromPath[str], action: FromPath[str]) -> Response:
        try:
            tx = state.snap_by_token(token)
            tx = await anyio.to_thread.run_sync(state.midtrans_act, tx.order_id, action)
        except KeyError:
            return json_response({"error_messages": ["token not found"]}, 404)
        except ValueError as exc:
            return json_response({"error_messages": [str(exc)]}, 409)
        return _finish(tx, tx.status)

    return Router(path="/midtrans", route_handlers=[snap_create, status, expire, cancel, refund, pay_page, pay_action])


def xendit_router(state: PaymentSandbox) -> Router:
    def account_or_401(request: Request) -> str | Response:
        key = _basic_key(request)
        if key is None or key not in state.xendit_accounts:
            return json_response({"error_code": "INVALID_API_KEY", "message": "API key is invalid"}, 401)
        return key

    def invoice_out(state: PaymentSandbox, invoice: Transaction, request: Request) -> dict[str, Any]:
        return {**state.invoice_body(invoice),
                "invoice_url": f"{_public(state, request)}/xendit/web/{invoice.reference}",
                "expiry_date": invoice.expires.isoformat().replace("+00:00", "Z") if invoice.expires else None}

    @post("/v2/invoices", status_code=200)
    async def create(request: Request) -> Response:
        key = account_or_401(request)
        if isinstance(key, Response):
            return key
        if (fault := await _api_fault(state, "xendit")) is not None:
            return fault
        try:
            data = await request.json()
        except Exception:
            data = None
        if not isinstance(data, dict):
            return json_response({"error_code": "API_VALIDATION_ERROR", "message": "body must be JSON"}, 400)
        external_id, amount = data.get("external_id"), data.get("amount")
        if not isinstance(external_id, str) or not external_id:
            return json_response({"error_code": "API_VALIDATION_ERROR", "message": "external_id is required"}, 400)
        if not isinstance(amount, int | float) or amount < 1:
            return json_response({"error_code": "API_VALIDATION_ERROR", "message": "amount must be >= 1"}, 400)
        invoice = state.create_invoice(key, external_id, int(amount), int(data.get("invoice_duration") or 86400),
                                       str(data.get("success_redirect_url") or ""))
        return json_response(invoice_out(state, invoice, request))

    async def _invoice(request: Request, invoice_id: str) -> Transaction | Response:
        key = account_or_401(request)
        if isinstance(key, Response):
            return key
        if (fault := await _api_fault(state, "xendit")) is not None:
            return fault
        invoice = state.invoices.get(invoice_id)
        if invoice is None or invoice.key != key:
            return json_response({"error_code": "INVOICE_NOT_FOUND_ERROR", "message": "Invoice not found"}, 404)
        return invoice

    @get("/v2/invoices/{invoice_id:str}")
    async def read(request: Request, invoice_id: FromPath[str]) -> Response:
        invoice = await _invoice(request, invoice_id)
        return invoice if isinstance(invoice, Response) else json_response(invoice_out(state, invoice, request))

    @post("/invoices/{invoice_id:str}/expire!", status_code=200)
    async def expire(request: Request, invoice_id: FromPath[str]) -> Response:
        invoice = await _invoice(request, invoice_id)
        if isinstance(invoice, Response):
            return invoice
        try:
            invoice = await anyio.to_thread.run_sync(state.xendit_act, invoice_id, "expire")
        except ValueError as exc:
            return json_response({"error_code": "INVALID_INVOICE_STATUS", "message": str(exc)}, 400)
        return json_response(invoice_out(state, invoice, request))

    @get("/web/{invoice_id:str}")
    async def hosted(invoice_id: FromPath[str]) -> Response:
        invoice = state.invoices.get(invoice_id)
        if invoice is None:
            return json_response({"message": "Invoice not found"}, 404)
        actions = [(a, f"{invoice_id}/{a}") for a in ("pay", "expire")] if invoice.status == "PENDING" else []
        return _page("Xendit invoice (sandbox)", invoice.amount, invoice.order_id, invoice.status, actions)

    @post("/web/{invoice_id:str}/{action:str}", status_code=303)
    async def hosted_action(invoice_id: FromPath[str], action: FromPath[str]) -> Response:
        try:
            invoice = await anyio.to_thread.run_sync(state.xendit_act, invoice_id, action)
        except KeyError:
            return json_response({"message": "Invoice not found"}, 404)
        except ValueError as exc:
            return json_response({"message": str(exc)}, 409)
        return _finish(invoice, invoice.status.lower())

    return Router(path="/xendit", route_handlers=[create, read, expire, hosted, hosted_action])


class MerchantIn(BaseModel):
    server_key: str = Field(min_length=1)
    notification_url: str = ""


class XenditIn(BaseModel):
    secret_key: str = Field(min_length=1)
    callback_token: str = Field(min_length=1)
    callback_url: str = ""


class PaymentFaultIn(BaseModel):
    kind: Literal["server_error", "rate_limit", "slow", "bad_signature", "wrong_amount", "drop"]
    provider: Literal["midtrans", "xendit"] | None = None
    count: int | None = Field(default=1, ge=1)
    seconds: float = 0.0


class DeliveryIn(BaseModel):
    duplicates: int = Field(default=0, ge=0, le=10)
    delay_seconds: float = Field(default=0.0, ge=0, le=3600)


def payment_control_router(state: PaymentSandbox) -> Router:
    @post("/midtrans/merchants", status_code=201)
    async def add_merchant(data: MerchantIn) -> dict[str, Any]:
        merchant = state.register_midtrans(data.server_key, data.notification_url)
        return {"merchant_id": merchant.merchant_id}

    @post("/xendit/accounts", status_code=201)
    async def add_account(data: XenditIn) -> dict[str, Any]:
        return {"user_id": state.register_xendit(data.secret_key, data.callback_token, data.callback_url).user_id}

    @post("/faults", status_code=201)
    async def add_fault(data: PaymentFaultIn) -> dict[str, Any]:
        state.add_fault(PaymentFault(data.kind, data.provider, data.count, data.seconds))
        return {"faults": len(state.faults)}

    @delete("/faults", status_code=200)
    async def clear() -> dict[str, Any]:
        state.clear()
        return {"cleared": True}

    @put("/delivery")
    async def delivery(data: DeliveryIn) -> dict[str, Any]:
        with state.lock:
            state.duplicates, state.delay_seconds = data.duplicates, data.delay_seconds
        return data.model_dump()

    @post("/midtrans/{order_id:str}/{action:str}")
    async def midtrans_act(order_id: FromPath[str], action: FromPath[str]) -> dict[str, Any]:
        tx = await anyio.to_thread.run_sync(state.midtrans_act, order_id, action)
        return {"order_id": tx.order_id, "status": tx.status}

    @post("/xendit/{invoice_id:str}/{action:str}")
    async def xendit_act(invoice_id: FromPath[str], action: FromPath[str]) -> dict[str, Any]:
        invoice = await anyio.to_thread.run_sync(state.xendit_act, invoice_id, action)
        return {"external_id": invoice.order_id, "status": invoice.status}

    @post("/resend/{provider:str}/{order_id:str}")
    async def resend(provider: FromPath[str], order_id: FromPath[str]) -> dict[str, Any]:
        state.resend(provider, order_id)
        return {"resent": True}

    @get("/deliveries")
    async def deliveries() -> list[dict[str, Any]]:
        return [{"provider": d.provider, "url": d.url, "order_id": d.order_id, "status": d.status,
                 "answer": d.answer, "error": d.error} for d in list(state.dispatcher.delivered)]

    @post("/flush")
    async def flush() -> dict[str, Any]:
        return {"flushed": await anyio.to_thread.run_sync(state.dispatcher.wait_idle)}

    def not_found(_: Request, exc: KeyError) -> Response:
        return json_response({"error": "not_found", "message": str(exc.args[0] if exc.args else exc)}, 404)

    def bad_request(_: Request, exc: ValueError) -> Response:
        return json_response({"error": "bad_request", "message": str(exc)}, 400)

    return Router(path="/_control/payments", route_handlers=[add_merchant, add_account, add_fault, clear, delivery,
                                                             midtrans_act, xendit_act, resend, deliveries, flush],
                  exception_handlers={KeyError: not_found, ValueError: bad_request})


def payment_routers(state: PaymentSandbox) -> list[Router]:
    return [midtrans_router(state), xendit_router(state), payment_control_router(state)]
