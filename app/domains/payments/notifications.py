"""Gateway notifications: verify, check order and amount, apply idempotently, store every one.

The receiver finds the organisation from the order number (Midtrans order_id, Xendit external_id),
verifies with that organisation's own key (Midtrans SHA-512 signature over the received strings,
Xendit callback token, both in constant time), then applies through services' conditional updates.
A forged, mismatched or unknown notification changes nothing and is stored with its verdict.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.clock import utcnow
from app.core.records import from_rows
from app.domains.payments import configuration, services
from app.domains.payments.statuses import PaymentMethod, PaymentStatus, Verdict
from app.domains.payments.tables import Payment, PaymentNotification
from app.integrations.payments import midtrans, signing, xendit

log = logging.getLogger(__name__)

# Headers kept for audit; tokens and signatures never (Xendit's token is a header).
KEPT_HEADERS = ("content-type", "user-agent", "x-forwarded-for", "x-real-ip", "webhook-id", "x-request-id")
ACCEPTED = (Verdict.APPLIED, Verdict.DUPLICATE, Verdict.STALE, Verdict.FLAGGED)


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    message: str
    notification_id: int

    @property
    def status_code(self) -> int:
        if self.verdict in ACCEPTED:
            return 200
        if self.verdict is Verdict.UNKNOWN_ORDER:
            return 404
        if self.verdict is Verdict.FORGED:
            return 401
        if self.verdict is Verdict.AMOUNT_MISMATCH:
            return 409
        return 400


def _headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v[:300] for k, v in ((k.lower(), v) for k, v in headers.items()) if k in KEPT_HEADERS}


async def _store(provider: str, body: bytes, headers: dict[str, str], verdict: Verdict, detail: str, *,
                 payment: dict[str, Any] | None = None, order_number: str = "", gateway_status: str = "") -> Outcome:
    row = PaymentNotification(
        organization=payment["organization"] if payment else None, payment=payment["id"] if payment else None,
        provider=provider, order_number=order_number[:64], gateway_status=gateway_status[:40],
        raw_body=body.decode("utf-8", errors="replace"), headers=_headers(headers), verdict=verdict, detail=detail,
        received_at=utcnow())
    await row.save()
    if verdict not in ACCEPTED:
        log.warning("%s notification refused: %s (order %s)", provider, verdict.value, order_number[:64])
    return Outcome(verdict, detail, row.id)


async def _payment(order_number: str, method: PaymentMethod) -> dict[str, Any] | None:
    if not order_number:
        return None
    return await Payment.select().where((Payment.order_number == order_number) & (Payment.method == method)).order_by(
        Payment.id, ascending=False).first()


async def _apply(payment: dict[str, Any], state: str, amount: int, paid_at: datetime | None, reference: str) -> Verdict:
    if state == "paid":
        result = await services.settle(payment["id"], amount=amount, paid_at=paid_at, reference=reference)
    elif state == "expired":
        result = await services.close(payment["id"], PaymentStatus.EXPIRED)
    elif state == "failed":
        result = await services.close(payment["id"], PaymentStatus.FAILED)
    elif state == "refunded":
        result = await services.refunded_by_gateway(payment["id"])
    else:  # pending: what we already believe
        result = "duplicate" if payment["status"] == PaymentStatus.PENDING else "stale"
    return Verdict(result)


def _parse(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


async def receive_midtrans(body: bytes, headers: dict[str, str]) -> Outcome:
    data = _parse(body)
    if data is None:
        return await _store("midtrans", body, headers, Verdict.MALFORMED, "The body is not a JSON object.")
    order_number = str(data.get("order_id") or "")
    status = str(data.get("transaction_status") or "")
    payment = await _payment(order_number, PaymentMethod.MIDTRANS)
    if payment is None:
        return await _store("midtrans", body, headers, Verdict.UNKNOWN_ORDER, "No Midtrans payment has this order_id.",
                            order_number=order_number, gateway_status=status)
    keys = await configuration.keys_of(payment["organization"])
    if not signing.midtrans_valid(data, keys.midtrans_server_key):
        return await _store("midtrans", body, headers, Verdict.FORGED, "The signature_key does not match.",
                            payment=payment, order_number=order_number, gateway_status=status)
    amount = midtrans.amount_of(data.get("gross_amount", ""))
    if amount != payment["amount_due"]:
        return await _store("midtrans", body, headers, Verdict.AMOUNT_MISMATCH,
                            f"gross_amount {data.get('gross_amount')!s:.20} is not the {payment['amount_due']} due.",
                            payment=payment, order_number=order_number, gateway_status=status)
    state = midtrans.state_of(status, data.get("fraud_status"))
    if state is None:
        return await _store("midtrans", body, headers, Verdict.MALFORMED, "Unknown transaction_status.",
                            payment=payment, order_number=order_number, gateway_status=status)
    verdict = await _apply(payment, state, payment["amount_due"], _time(data.get("settlement_time") or data.get("transaction_time")),
                           str(data.get("transaction_id") or ""))
    return await _store("midtrans", body, headers, verdict, f"{status} -> {verdict.value}", payment=payment,
                        order_number=order_number, gateway_status=status)


async def receive_xendit(body: bytes, headers: dict[str, str]) -> Outcome:
    data = _parse(body)
    if data is None:
        return await _store("xendit", body, headers, Verdict.MALFORMED, "The body is not a JSON object.")
    order_number = str(data.get("external_id") or "")
    status = str(data.get("status") or "")
    payment = await _payment(order_number, PaymentMethod.XENDIT)
    if payment is None:
        return await _store("xendit", body, headers, Verdict.UNKNOWN_ORDER, "No Xendit payment has this external_id.",
                            order_number=order_number, gateway_status=status)
    keys = await configuration.keys_of(payment["organization"])
    token = next((v for k, v in headers.items() if k.lower() == "x-callback-token"), None)
    if not signing.xendit_valid(token, keys.xendit_callback_token):
        return await _store("xendit", body, headers, Verdict.FORGED, "The x-callback-token does not match.",
                            payment=payment, order_number=order_number, gateway_status=status)
    state = xendit.state_of(status)
    if state is None:
        return await _store("xendit", body, headers, Verdict.MALFORMED, "Unknown invoice status.",
                            payment=payment, order_number=order_number, gateway_status=status)
    raw_amount = data.get("paid_amount") if state == "paid" else data.get("amount")
    amount = raw_amount if isinstance(raw_amount, int) else (
        int(raw_amount) if isinstance(raw_amount, float) and raw_amount.is_integer() else None)
    if amount != payment["amount_due"] or data.get("amount") != payment["amount_due"]:
        return await _store("xendit", body, headers, Verdict.AMOUNT_MISMATCH,
                            f"amount {str(raw_amount)[:20]} is not the {payment['amount_due']} due.",
                            payment=payment, order_number=order_number, gateway_status=status)
    if payment["gateway_reference"] and data.get("id") and str(data["id"]) != payment["gateway_reference"]:
        return await _store("xendit", body, headers, Verdict.UNKNOWN_ORDER, "The invoice id is not this order's.",
                            payment=payment, order_number=order_number, gateway_status=status)
    verdict = await _apply(payment, state, payment["amount_due"], _time(data.get("paid_at")), "")
    return await _store("xendit", body, headers, verdict, f"{status} -> {verdict.value}", payment=payment,
                        order_number=order_number, gateway_status=status)


def _time(value: Any) -> datetime | None:
    """A gateway's timestamp (ISO 8601, or Midtrans' "2026-12-05 13:00:00" in Jakarta time)."""
    if not isinstance(value, str) or not value:
        return None
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Jakarta"))


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """A gateway notification as received, with what the receiver decided."""

    id: int
    provider: str
    order_number: str
    gateway_status: str
    verdict: str
    detail: str
    received_at: datetime

    @property
    def state(self) -> str:
        """The gateway's status word as one of our payment states (shown with its label), '' for a
        word the gateway's adapter does not know."""
        if self.provider == PaymentMethod.MIDTRANS:
            return midtrans.state_of(self.gateway_status, None) or ""
        if self.provider == PaymentMethod.XENDIT:
            return xendit.state_of(self.gateway_status) or ""
        return ""


async def recent(org_id: int, limit: int = 30) -> list[NoticeRow]:
    """The organisation's newest gateway notifications."""
    return from_rows(NoticeRow, await PaymentNotification.select(
        PaymentNotification.id, PaymentNotification.provider, PaymentNotification.order_number,
        PaymentNotification.gateway_status, PaymentNotification.verdict, PaymentNotification.detail,
        PaymentNotification.received_at).where(PaymentNotification.organization == org_id).order_by(
        PaymentNotification.id, ascending=False).limit(limit))
