"""Paying for a plan: an invoice per period, paid through the platform's payment gateway (the
payments domain's Xendit adapter; the payment sandbox in the demo), the renewal cycle, the grace
period and the fall back to Free on non-payment.

Invoices are written in a transaction; the gateway is called after it (never inside one). Whether
an invoice was paid is asked of the gateway by a job (after the seller returns from paying, and
by the daily cycle); `apply_payment` is one conditional update, so asking twice changes nothing.
`run_cycle(now)` takes the moment as an argument: tests drive it through simulated days.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core import tasks
from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import N_, _, deferred
from app.core.queue import get_queue, job_options, task_job
from app.core.records import from_rows
from app.core.tenancy import Actor, Tenant
from app.domains import accounts, audit, notifications, payments
from app.domains.billing.limits import FREE, PlanView, forget_api_allowance, plan_by_code, plan_of
from app.domains.billing.statuses import InvoiceKind, InvoiceStatus, SubscriptionStatus
from app.domains.billing.tables import BillingInvoice, Plan, Subscription
from app.integrations import errors as integration_errors
from app.integrations.payments.gateway import Buyer
from app.settings import get_settings

log = logging.getLogger(__name__)
RENEW_BEFORE = timedelta(days=3)  # the renewal invoice is issued this long before the period ends
PAY_WITHIN = timedelta(days=3)


class BillingUnavailable(Conflict):
    """The payment gateway did not open the invoice now (the invoice stays open: try again)."""

    status_code = 503


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    number: str
    kind: str
    amount: int
    period_start: datetime
    period_end: datetime
    status: str
    pay_url: str
    due_at: datetime
    paid_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    plan: PlanView
    status: str
    period_end: datetime | None
    grace_until: datetime | None


def _period() -> timedelta:
    return timedelta(days=get_settings().billing_period_days)


async def subscription(organization_id: int) -> SubscriptionView:
    row = await Subscription.select().where(Subscription.organization == organization_id).first()
    plan = await plan_of(organization_id)
    if row is None:
        return SubscriptionView(plan, SubscriptionStatus.ACTIVE, None, None)
    return SubscriptionView(plan, row["status"], row["period_end"], row["grace_until"])


async def invoices(tenant: Tenant, limit: int = 24) -> list[InvoiceRow]:
    rows = await tenant.scoped(BillingInvoice).select().order_by(BillingInvoice.id, ascending=False).limit(limit)
    return from_rows(InvoiceRow, rows)


async def invoice(tenant: Tenant, invoice_id: int) -> dict[str, Any]:
    row = await tenant.scoped(BillingInvoice).get(invoice_id, _("Invoice not found."))
    data = row.to_dict()
    plan = await Plan.select(Plan.name).where(Plan.id == row.plan).first()
    data["plan_name"] = plan["name"] if plan else ""
    return data


async def _new_invoice(organization_id: int, plan: PlanView, kind: InvoiceKind, start: datetime) -> int:
    """Insert an open invoice (numbered per organisation) in its own transaction."""
    async with transaction():
        n = await BillingInvoice.count().where(BillingInvoice.organization == organization_id) + 1
        row = BillingInvoice(organization=organization_id, number=f"INV-{organization_id}-{n:04d}", plan=plan.id,
                             kind=kind, amount=plan.price, period_start=start, period_end=start + _period(),
                             status=InvoiceStatus.OPEN, due_at=start + PAY_WITHIN if kind == InvoiceKind.RENEWAL
                             else utcnow() + PAY_WITHIN)
        await row.save()
    return row.id


async def _open_at_gateway(organization_id: int, invoice_id: int) -> str:
    """Open the invoice's payment at the platform's gateway (after the commit); its pay URL."""
    row = await BillingInvoice.select().where(BillingInvoice.id == invoice_id).first()
    assert row is not None, "the invoice was committed before"
    name = await accounts.organization_name(organization_id) or "StoreSync"
    gateway = payments.platform_gateway()
    try:
        checkout = await gateway.create(order_number=row["number"], amount=row["amount"],
                                        buyer=Buyer(name[:100], ""), deadline=row["due_at"],
                                        finish_url=f"{get_settings().base_url}/settings/billing/?paid={invoice_id}")
    except integration_errors.IntegrationError as exc:
        log.warning("billing invoice %s could not be opened at the gateway: %s", row["number"], exc)
        raise BillingUnavailable(_("The payment service is not answering; try again in a moment.")) from exc
    await BillingInvoice.update({BillingInvoice.gateway_reference: checkout.reference,
                                 BillingInvoice.pay_url: checkout.redirect_url}).where(BillingInvoice.id == invoice_id)
    return checkout.redirect_url


async def start_upgrade(tenant: Tenant, plan_code: str) -> str:
    """An invoice for a full period of a paid plan, opened at the gateway; returns where to pay.
    The plan changes when the payment arrives (apply_payment)."""
    plan = await plan_by_code(plan_code)
    if plan is None or plan.price <= 0:
        raise ValidationFailed({"plan": _("Choose one of the paid plans.")})
    current = await subscription(tenant.organization_id)
    if current.plan.code == plan.code and current.status == SubscriptionStatus.ACTIVE:
        raise Conflict(_("You are already on the %(plan)s plan.", plan=plan.name))
    open_same = await tenant.scoped(BillingInvoice).select(BillingInvoice.id, BillingInvoice.pay_url).where(
        (BillingInvoice.status == InvoiceStatus.OPEN) & (BillingInvoice.plan == plan.id)
        & (BillingInvoice.kind == InvoiceKind.UPGRADE)).first()
    if open_same and open_same["pay_url"]:
        return open_same["pay_url"]  # asked twice: the same invoice
    invoice_id = open_same["id"] if open_same else await _new_invoice(tenant.organization_id, plan,
                                                                       InvoiceKind.UPGRADE, utcnow())
    await audit.record(tenant.organization_id, tenant.actor, "billing.upgrade_started", "billing_invoice", invoice_id,
                       after={"plan": plan.code, "amount": plan.price})
    return await _open_at_gateway(tenant.organization_id, invoice_id)


async def enqueue_check(organization_id: int, invoice_id: int) -> None:
    await get_queue().enqueue(task_job(tasks.check_billing_invoice, key=f"billing-check:{invoice_id}",
                                       **job_options(timeout=60, retries=2))(organization_id=organization_id,
                                                                             invoice_id=invoice_id))


async def check_payment(invoice_id: int) -> str:
    """Ask the gateway about an open invoice: "paid" (applied), "open", "expired" or "nothing"."""
    row = await BillingInvoice.select().where(BillingInvoice.id == invoice_id).first()
    if row is None or row["status"] != InvoiceStatus.OPEN or not row["gateway_reference"]:
        return "nothing"
    state = await payments.platform_gateway().status(order_number=row["number"], reference=row["gateway_reference"])
    if state.state == "paid" and (state.amount is None or state.amount == row["amount"]):
        return "paid" if await apply_payment(invoice_id) else "nothing"
    return "expired" if state.state == "expired" else "open"


async def apply_payment(invoice_id: int, *, now: datetime | None = None) -> bool:
    """The invoice is paid: open -> paid once, and the subscription moves to its plan and period
    (an upgrade starts now; a renewal continues from the period it renews). False when already applied."""
    now = now or utcnow()
    async with transaction():
        won = await BillingInvoice.update({BillingInvoice.status: InvoiceStatus.PAID, BillingInvoice.paid_at: now}).where(
            (BillingInvoice.id == invoice_id) & (BillingInvoice.status == InvoiceStatus.OPEN)).returning(
            BillingInvoice.organization, BillingInvoice.plan, BillingInvoice.kind, BillingInvoice.period_start)
        if not won:
            return False
        inv = won[0]
        start = now if inv["kind"] == InvoiceKind.UPGRADE else inv["period_start"]
        values: dict[Any, Any] = {Subscription.plan: inv["plan"], Subscription.status: SubscriptionStatus.ACTIVE,
                  Subscription.period_start: start, Subscription.period_end: start + _period(),
                  Subscription.grace_until: None, Subscription.updated_at: now}
        updated = await Subscription.update(values).where(
            Subscription.organization == inv["organization"]).returning(Subscription.id)
        if not updated:
            await Subscription(organization=inv["organization"], plan=inv["plan"], status=SubscriptionStatus.ACTIVE,
                               period_start=start, period_end=start + _period(), updated_at=now).save()
    forget_api_allowance(inv["organization"])
    plan = await Plan.select(Plan.name).where(Plan.id == inv["plan"]).first()
    await notifications.notify(Tenant(inv["organization"]), "billing", deferred(
        N_("Payment received: you are on the %(plan)s plan."), plan=plan["name"] if plan else ""),
        link="/settings/billing/", dedupe_key=f"billing-paid:{invoice_id}")
    return True


# -- the cycle ------------------------------------------------------------------------------

@dataclass(slots=True)
class CycleReport:
    invoiced: int = 0
    past_due: int = 0
    downgraded: int = 0


async def run_cycle(now: datetime | None = None) -> CycleReport:
    """Renewal invoices before a period ends, past due when it ended unpaid, back to Free when the
    grace period (BILLING_GRACE_DAYS) ended unpaid. Idempotent: run it as often as you like."""
    now = now or utcnow()
    report = CycleReport()
    free = await plan_by_code(FREE)
    paid = await Subscription.select().where(Subscription.period_end.is_not_null())
    for sub in paid:
        org = sub["organization"]
        if sub["status"] == SubscriptionStatus.PAST_DUE and sub["grace_until"] and sub["grace_until"] <= now:
            if free is not None:
                await _downgrade(org, free, now)
                report.downgraded += 1
            continue
        if sub["period_end"] <= now + RENEW_BEFORE:
            plan = await Plan.select().where(Plan.id == sub["plan"]).first()
            exists = await BillingInvoice.exists().where(
                (BillingInvoice.organization == org) & (BillingInvoice.kind == InvoiceKind.RENEWAL)
                & (BillingInvoice.period_start == sub["period_end"]))
            if plan and plan["price"] > 0 and not exists:
                view = await plan_by_code(plan["code"])
                assert view is not None
                invoice_id = await _new_invoice(org, view, InvoiceKind.RENEWAL, sub["period_end"])
                try:
                    await _open_at_gateway(org, invoice_id)
                except BillingUnavailable:
                    pass  # the invoice stays open without a pay link; the page offers to try again
                await notifications.notify(Tenant(org), "billing", deferred(
                    N_("Your %(plan)s plan renews soon: an invoice is waiting for payment."), plan=plan["name"]),
                    link="/settings/billing/", dedupe_key=f"billing-renewal:{invoice_id}")
                report.invoiced += 1
        if sub["status"] == SubscriptionStatus.ACTIVE and sub["period_end"] <= now:
            grace = sub["period_end"] + timedelta(days=get_settings().billing_grace_days)
            moved = await Subscription.update({Subscription.status: SubscriptionStatus.PAST_DUE,
                                               Subscription.grace_until: grace, Subscription.updated_at: now}).where(
                (Subscription.id == sub["id"]) & (Subscription.status == SubscriptionStatus.ACTIVE)).returning(
                Subscription.id)
            if moved:
                await notifications.notify(Tenant(org), "billing", deferred(
                    N_("Your plan's renewal is unpaid. Pay before %(date)s to keep it; after that the account "
                       "falls back to the Free plan."), date=f"{grace:%Y-%m-%d}"),
                    link="/settings/billing/", dedupe_key=f"billing-past-due:{sub['id']}:{sub['period_end']:%Y%m%d}")
                report.past_due += 1
    return report


async def _downgrade(organization_id: int, free: PlanView, now: datetime) -> None:
    async with transaction():
        await Subscription.update({Subscription.plan: free.id, Subscription.status: SubscriptionStatus.ACTIVE,
                                   Subscription.period_start: None, Subscription.period_end: None,
                                   Subscription.grace_until: None, Subscription.updated_at: now}).where(
            Subscription.organization == organization_id)
        await BillingInvoice.update({BillingInvoice.status: InvoiceStatus.VOID}).where(
            (BillingInvoice.organization == organization_id) & (BillingInvoice.status == InvoiceStatus.OPEN))
    forget_api_allowance(organization_id)
    await audit.record(organization_id, Actor(None), "billing.downgraded", "organization", organization_id,
                       after={"plan": FREE})
    await notifications.notify(Tenant(organization_id), "billing", deferred(
        N_("The renewal was not paid within the grace period: the account is on the Free plan now. What you "
           "have stays; adding more needs a paid plan.")), link="/settings/billing/",
        dedupe_key=f"billing-downgraded:{organization_id}:{now:%Y%m%d}")


async def open_invoices(limit: int = 200) -> list[tuple[int, int]]:
    """(organization, invoice) of open invoices with a gateway payment (the cycle asks about them)."""
    rows = await BillingInvoice.select(BillingInvoice.organization, BillingInvoice.id).where(
        (BillingInvoice.status == InvoiceStatus.OPEN) & (BillingInvoice.gateway_reference != "")).limit(limit)
    return [(r["organization"], r["id"]) for r in rows]
