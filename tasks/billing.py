"""Billing tasks: ask the gateway whether an invoice was paid, and the cycle (renewal invoices,
past due, back to Free after the grace period). Thin: they call the billing domain."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements


@implements(contracts.check_billing_invoice)
async def check_billing_invoice(ctx: WorkerContext, *, organization_id: int, invoice_id: int) -> dict[str, str]:
    from app.domains.billing.subscriptions import check_payment

    return {"outcome": await check_payment(invoice_id)}


async def billing_cycle(ctx: WorkerContext) -> dict[str, int]:
    """Cron: renewals, past due, downgrades; then a payment check for every open invoice."""
    from app.domains.billing.subscriptions import enqueue_check, open_invoices, run_cycle

    report = await run_cycle()
    pending = await open_invoices()
    for organization_id, invoice_id in pending:
        await enqueue_check(organization_id, invoice_id)
    return {"invoiced": report.invoiced, "past_due": report.past_due, "downgraded": report.downgraded,
            "checked": len(pending)}
