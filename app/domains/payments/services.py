"""Payments' operations: start a payment, apply what the gateway or a person says, flag and refund.

Every change of state is one conditional UPDATE (`... WHERE status = <expected>`), so duplicates,
retries and racing notifications change a payment once; the one UPDATE that sets `settled_at`
emits PaymentSettled, after the change is committed. Gateway calls happen outside transactions.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from app.core.clock import utcnow
from app.core.database import after_commit, transaction
from app.core.errors import AppError, Conflict, ValidationFailed
from app.core.i18n import N_, _, deferred
from app.core.money import format_money
from app.core.queue import get_queue, job_options, task_job
from app.core.records import from_row, from_rows
from app.core.tenancy import Actor, Tenant
from app.domains import audit
from app.domains.payments import configuration, events
from app.domains.payments.events import PaymentSettled
from app.domains.payments.statuses import CLOSED_UNPAID, PaymentMethod, PaymentStatus
from app.domains.payments.tables import Payment
from app.integrations import errors as integration_errors
from app.integrations.payments.gateway import Buyer

log = logging.getLogger(__name__)
MAX_UNIQUE_CODE = 999


class PaymentUnavailable(AppError):
    """The gateway could not open the payment now; the payment stays pending without a redirect."""

    status_code = 503


@dataclass(frozen=True)
class PaymentStart:
    payment_id: int
    method: str
    status: str
    amount_due: int
    redirect_url: str | None
    instructions: dict
    deadline: datetime | None


@dataclass(frozen=True)
class PaymentView:
    payment_id: int
    method: str
    status: str
    amount_due: int
    paid_amount: int | None
    paid_at: datetime | None
    redirect_url: str | None
    instructions: dict
    flagged_reason: str | None
    deadline: datetime | None = None


def loaded(value: Any, empty: Any) -> Any:
    """A JSON column's value (Piccolo's select hands it back as text unless asked otherwise)."""
    if isinstance(value, str):
        return json.loads(value) if value else empty
    return value if value is not None else empty


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """One payment row, as this module's actions read it."""

    id: int
    order_id: int
    order_number: str
    method: str
    status: str
    amount_due: int
    paid_amount: int | None
    paid_at: datetime | None
    redirect_url: str
    instructions: dict[str, Any]
    flagged_reason: str
    deadline: datetime | None


def _record(row: dict[str, Any]) -> PaymentRecord:
    return from_row(PaymentRecord, row, instructions=dict(loaded(row["instructions"], {})))


def _start(row: PaymentRecord) -> PaymentStart:
    return PaymentStart(payment_id=row.id, method=row.method, status=row.status, amount_due=row.amount_due,
                        redirect_url=row.redirect_url or None, instructions=dict(row.instructions),
                        deadline=row.deadline)


def _view(row: PaymentRecord) -> PaymentView:
    return PaymentView(payment_id=row.id, method=row.method, status=row.status, amount_due=row.amount_due,
                       paid_amount=row.paid_amount, paid_at=row.paid_at, redirect_url=row.redirect_url or None,
                       instructions=dict(row.instructions), flagged_reason=row.flagged_reason or None,
                       deadline=row.deadline)


async def _for_order(org_id: int, order_id: int) -> PaymentRecord | None:
    row = await Payment.select().where((Payment.organization == org_id) & (Payment.order_id == order_id)).order_by(
        Payment.id, ascending=False).first()
    return _record(row) if row is not None else None


def _unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(exc, UniqueViolationError)


async def _insert_bank_transfer(org_id: int, values: dict[str, Any], amount: int) -> Payment:
    """Insert an open bank transfer with a unique code no other open transfer of the organisation
    shares at the same total; a race for the same code loses at the unique index and tries another."""
    for _attempt in range(8):
        taken = {r["amount_due"] for r in await Payment.select(Payment.amount_due).where(
            (Payment.organization == org_id) & Payment.open_amount_key.is_not_null()
            & (Payment.amount_due > amount) & (Payment.amount_due <= amount + MAX_UNIQUE_CODE))}
        free = [code for code in range(1, MAX_UNIQUE_CODE + 1) if amount + code not in taken]
        if not free:
            break
        code = random.choice(free[:50])  # low codes first, spread so racing checkouts rarely collide
        row = Payment(**{**values, "unique_code": code, "amount_due": amount + code,
                         "open_amount_key": f"{org_id}:{amount + code}",
                         "instructions": {**values["instructions"], "unique_code": code, "amount_due": amount + code}})
        try:
            await row.save()
            return row
        except Exception as exc:
            if not _unique_violation(exc):
                raise
    raise PaymentUnavailable(_("Too many bank transfers of this amount are waiting; choose another payment method."))


async def start_payment(org_id: int, order_id: int, order_number: str, amount: int, method: str, buyer_name: str,
                        buyer_phone: str, buyer_email: str | None, deadline: datetime, finish_url: str, *,
                        new_order: bool = False,
                        settings: tuple[list[str], configuration.SettingsView] | None = None) -> PaymentStart:
    """Create the order's payment (committed) and, for a gateway, open it there over HTTP afterwards.
    ValidationFailed for a method that is not enabled; PaymentUnavailable when the gateway fails
    (the payment stays pending without a redirect). Calling it again for the order returns the same.
    `new_order`: the caller committed the order itself just now, so it has no payment to look for;
    `settings`: what `methods_and_view` gave the caller during this request (not read again)."""
    methods, view = settings if settings is not None else await configuration.methods_and_view(org_id)
    if method not in methods:
        raise ValidationFailed({"payment_method": _("Choose a payment method this shop offers.")})
    if amount <= 0:
        raise ValidationFailed({"amount": _("The amount to pay must be more than zero.")})
    existing = None if new_order else await _for_order(org_id, order_id)
    if existing is not None and existing.status == PaymentStatus.PENDING and (
            existing.redirect_url or not PaymentMethod(existing.method).is_gateway):
        return _start(existing)
    instructions: dict[str, Any] = {"deadline": deadline.isoformat()}
    values: dict[str, Any] = {"organization": org_id, "order_id": order_id, "order_number": order_number, "method": method,
              "status": PaymentStatus.PENDING, "amount_due": amount, "deadline": deadline}
    if method == PaymentMethod.BANK_TRANSFER:
        values["instructions"] = {**instructions, "bank_accounts": view.bank_accounts}
        row = await _insert_bank_transfer(org_id, values, amount)
    elif existing is not None and existing.status == PaymentStatus.PENDING:
        found = await Payment.objects().where(Payment.id == existing.id).first()
        assert found is not None
        row = found
    else:
        row = Payment(**values, instructions=instructions if method != PaymentMethod.COD else {})
        await row.save()
    if PaymentMethod(method).is_gateway:
        gateway = await configuration.gateway_for(org_id, method)
        try:
            checkout = await gateway.create(order_number=order_number, amount=amount, deadline=deadline,
                                            buyer=Buyer(buyer_name, buyer_phone, buyer_email), finish_url=finish_url)
        except integration_errors.IntegrationError as exc:
            log.warning("%s payment for order %s could not start: %s", method, order_number, exc)
            raise PaymentUnavailable(_("The payment service is not answering; try again in a moment or choose "
                                       "another payment method.")) from exc
        await Payment.update({Payment.redirect_url: checkout.redirect_url,
                              Payment.gateway_reference: checkout.reference, Payment.updated_at: utcnow()}).where(
            Payment.id == row.id)
        fresh = await Payment.select().where(Payment.id == row.id).first()
        assert fresh is not None
        return _start(_record(fresh))
    # the row as just saved (or read): no second read of what this call wrote
    return PaymentStart(payment_id=row.id, method=str(row.method), status=str(row.status), amount_due=row.amount_due,
                        redirect_url=row.redirect_url or None, instructions=dict(loaded(row.instructions, {})),
                        deadline=row.deadline)


async def payment_for_order(org_id: int, order_id: int) -> PaymentView | None:
    row = await _for_order(org_id, order_id)
    return _view(row) if row else None


async def payment_row(tenant: Tenant, payment_id: int) -> PaymentRecord:
    row = await tenant.scoped(Payment).get(payment_id, _("Payment not found."))
    return _record(row.to_dict())


async def _emit_after_commit(event: PaymentSettled) -> None:
    async def send() -> None:
        await events.emit(event)

    await after_commit(send)


async def settle(payment_id: int, *, amount: int, paid_at: datetime | None = None, reference: str = "",
                 note: str = "") -> str:
    """Money arrived for a payment: pending -> paid; expired/failed/cancelled -> refund_due (flagged,
    never lost). Returns "applied", "flagged" or "duplicate" (already paid: nothing changes)."""
    now = utcnow()
    paid_at = paid_at or now
    common: dict[Any, Any] = {Payment.paid_amount: amount, Payment.paid_at: paid_at, Payment.settled_at: now,
              Payment.open_amount_key: None, Payment.updated_at: now}
    if reference:
        common[Payment.gateway_reference] = reference
    if note:
        common[Payment.note] = note
    async with transaction():
        won = await Payment.update({**common, Payment.status: PaymentStatus.PAID}).where(
            (Payment.id == payment_id) & (Payment.status == PaymentStatus.PENDING)
            & Payment.settled_at.is_null()).returning(Payment.id, Payment.organization, Payment.order_id,
                                                      Payment.method)
        verdict = "applied"
        if not won:
            reason = _flag_text(amount)
            won = await Payment.update({**common, Payment.status: PaymentStatus.REFUND_DUE,
                                        Payment.flagged_reason: reason}).where(
                (Payment.id == payment_id) & Payment.status.is_in(list(CLOSED_UNPAID))
                & Payment.settled_at.is_null()).returning(Payment.id, Payment.organization, Payment.order_id,
                                                          Payment.method)
            verdict = "flagged"
        if not won:
            return "duplicate"
        row = won[0]
        await _emit_after_commit(PaymentSettled(org_id=row["organization"], order_id=row["order_id"],
                                                payment_id=payment_id, amount=amount, method=row["method"]))
    return verdict


def _flag_text(amount: int) -> str:
    """Kept as a message, so that each reader sees it in their language."""
    return deferred(N_("%(amount)s arrived after the payment was closed."), amount=format_money(amount, "IDR"))


async def close(payment_id: int, status: PaymentStatus) -> str:
    """The gateway says the payment expired or failed: pending -> that status; "stale" when it is
    already paid (an old notification arriving late), "duplicate" when it is already closed."""
    updated = await Payment.update({Payment.status: status, Payment.open_amount_key: None,
                                    Payment.updated_at: utcnow()}).where(
        (Payment.id == payment_id) & (Payment.status == PaymentStatus.PENDING)).returning(Payment.id)
    if updated:
        return "applied"
    row = await Payment.select(Payment.status).where(Payment.id == payment_id).first()
    return "duplicate" if row and row["status"] == status else "stale"


async def refunded_by_gateway(payment_id: int) -> str:
    updated = await Payment.update({Payment.status: PaymentStatus.REFUNDED, Payment.updated_at: utcnow()}).where(
        (Payment.id == payment_id) & Payment.status.is_in([PaymentStatus.PAID, PaymentStatus.REFUND_DUE])).returning(
        Payment.id)
    return "applied" if updated else "duplicate"


async def cancel_payment(org_id: int, order_id: int) -> None:
    """The order expired or was cancelled: its pending payment becomes cancelled, and a job closes it
    at the gateway (never inline). A payment already paid is left alone (the order's listener flags it)."""
    row = await _for_order(org_id, order_id)
    if row is None:
        return
    async with transaction():
        updated = await Payment.update({Payment.status: PaymentStatus.CANCELLED, Payment.open_amount_key: None,
                                        Payment.updated_at: utcnow()}).where(
            (Payment.id == row.id) & (Payment.status == PaymentStatus.PENDING)).returning(Payment.id)
        if updated and PaymentMethod(row.method).is_gateway:
            await after_commit(lambda: enqueue_gateway_expiry(org_id, row.id))


async def enqueue_gateway_expiry(org_id: int, payment_id: int) -> None:
    from app.core import tasks

    await get_queue().enqueue(task_job(tasks.expire_gateway_payment, key=f"payment-expire:{payment_id}",
                                       **job_options(timeout=60, retries=5))(organization_id=org_id,
                                                                             payment_id=payment_id))


async def expire_at_gateway(org_id: int, payment_id: int) -> str:
    """Close a cancelled payment at its gateway (the job). A payment the gateway no longer knows
    or already closed is done; a failure the gateway may recover from is raised for the job's retry."""
    row = await Payment.select().where((Payment.id == payment_id) & (Payment.organization == org_id)).first()
    if row is None or not PaymentMethod(row["method"]).is_gateway:
        return "nothing"
    gateway = await configuration.gateway_for(org_id, row["method"])
    try:
        await gateway.expire(order_number=row["order_number"], reference=row["gateway_reference"])
    except integration_errors.ValidationError as exc:
        log.info("gateway did not expire payment %s: %s", payment_id, exc)
        return "refused"
    return "expired"


async def flag_for_refund(org_id: int, payment_id: int, reason: str) -> None:
    """Money that must go back (the order was cancelled): paid -> refund_due with the reason. Idempotent."""
    await Payment.update({Payment.status: PaymentStatus.REFUND_DUE, Payment.flagged_reason: reason[:500],
                          Payment.updated_at: utcnow()}).where(
        (Payment.id == payment_id) & (Payment.organization == org_id) & (Payment.status == PaymentStatus.PAID))


# -- by hand ---------------------------------------------------------------------------------

async def mark_paid(tenant: Tenant, payment_id: int, *, note: str = "") -> str:
    """A person saw the money (a transfer in the bank app): the payment is settled for what was due."""
    row = await payment_row(tenant, payment_id)
    if row.status in CLOSED_UNPAID:
        raise Conflict(_("This payment is %(status)s: it can no longer be marked paid. If the buyer paid anyway, "
                         "give the money back or make a new order for them.",
                         status=PaymentStatus(row.status).label().lower()))
    if row.status != PaymentStatus.PENDING:
        raise Conflict(_("This payment is already %(status)s.", status=PaymentStatus(row.status).label()))
    verdict = await settle(row.id, amount=row.amount_due, note=note or _who(tenant.actor, "marked paid"))
    await audit.record(tenant.organization_id, tenant.actor, "payments.mark_paid", "payment", row.id,
                 after={"order": row.order_number, "amount": row.amount_due, "verdict": verdict})
    return verdict


async def cod_collected(tenant: Tenant, payment_id: int) -> str:
    row = await payment_row(tenant, payment_id)
    if row.method != PaymentMethod.COD:
        raise Conflict(_("Only a cash-on-delivery payment is collected by the courier."))
    if row.status != PaymentStatus.PENDING:
        raise Conflict(_("This payment is already %(status)s.", status=PaymentStatus(row.status).label()))
    verdict = await settle(row.id, amount=row.amount_due, note=_who(tenant.actor, "COD collected"))
    await audit.record(tenant.organization_id, tenant.actor, "payments.cod_collected", "payment", row.id,
                 after={"order": row.order_number, "amount": row.amount_due})
    return verdict


async def mark_refunded(tenant: Tenant, payment_id: int, *, note: str = "") -> None:
    row = await payment_row(tenant, payment_id)
    updated = await Payment.update({Payment.status: PaymentStatus.REFUNDED, Payment.updated_at: utcnow(),
                                    Payment.note: note or _who(tenant.actor, "refunded")}).where(
        (Payment.id == row.id) & Payment.status.is_in([PaymentStatus.PAID, PaymentStatus.REFUND_DUE])).returning(
        Payment.id)
    if not updated:
        raise Conflict(_("Only a paid payment can be refunded."))
    await audit.record(tenant.organization_id, tenant.actor, "payments.refunded", "payment", row.id,
                 before={"status": row.status}, after={"status": "refunded", "order": row.order_number})


def _who(actor: Actor, what: str) -> str:
    return f"{what} by {actor.email or 'system'} at {utcnow():%Y-%m-%d %H:%M} UTC"


# -- lists -----------------------------------------------------------------------------------

PAGE = 50


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A line of the payments page."""

    id: int
    order_id: int
    order_number: str
    method: str
    status: str
    amount_due: int
    unique_code: int
    paid_amount: int | None
    paid_at: datetime | None
    deadline: datetime | None
    flagged_reason: str
    note: str
    created_at: datetime


async def list_payments(tenant: Tenant, *, status: str = "", method: str = "", limit: int = PAGE) -> list[PaymentRow]:
    """The newest payments, of one status and method when given."""
    query = tenant.scoped(Payment).select(*(getattr(Payment, name) for name in PAYMENT_ROW_COLUMNS))
    if status:
        query = query.where(Payment.status == PaymentStatus(status))
    if method:
        query = query.where(Payment.method == PaymentMethod(method))
    return from_rows(PaymentRow, await query.order_by(Payment.id, ascending=False).limit(limit))


PAYMENT_ROW_COLUMNS = tuple(f.name for f in fields(PaymentRow))


async def counts(tenant: Tenant) -> dict[str, int]:
    from piccolo.query.functions.aggregate import Count

    rows = await tenant.scoped(Payment).select(Payment.status, Count(Payment.id, alias="n")).group_by(Payment.status)
    return {r["status"]: r["n"] for r in rows}
