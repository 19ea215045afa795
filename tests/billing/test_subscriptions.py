"""Paying for a plan through the payment sandbox over HTTP, renewal, grace period and the fall back
to Free (the cycle is driven through simulated days: run_cycle(now)), and the invoice PDF."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains.billing import limits, subscriptions
from app.domains.billing.tables import BillingInvoice, Subscription
from app.domains.notifications.tables import Notification
from tests.billing.conftest import make_plan, subscribe
from tests.inventory.factories import tenant_of
from tests.support import make_account, post

pytestmark = pytest.mark.usefixtures("billing_gateway")


async def _pay(pay_url: str) -> None:
    """What the seller does on the gateway's page: press Pay."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(pay_url)
        assert page.status_code == 200 and "Xendit invoice" in page.text
        done = await browser.post(f"{pay_url}/pay", follow_redirects=False)
    assert done.status_code == 303 and "/settings/billing/?paid=" in done.headers["location"]


async def _sub(org_id: int) -> dict:
    return await Subscription.select().where(Subscription.organization == org_id).first()


async def test_an_upgrade_is_paid_through_the_gateway_and_changes_the_plan(owner_client):
    org_id = owner_client.account.org_id
    assert (await limits.plan_of(org_id)).code == "free"
    response = await post(owner_client, "/settings/billing/upgrade", {"plan": "growth"})
    assert response.status_code == 303
    pay_url = response.headers["location"]
    assert "/xendit/web/" in pay_url
    [invoice] = await BillingInvoice.select().where(BillingInvoice.organization == org_id)
    assert invoice["status"] == "open" and invoice["amount"] == 149_000 and invoice["kind"] == "upgrade"
    assert (await limits.plan_of(org_id)).code == "free"  # not before the money arrives
    assert await subscriptions.check_payment(invoice["id"]) == "open"
    await _pay(pay_url)
    assert await subscriptions.check_payment(invoice["id"]) == "paid"
    assert await subscriptions.check_payment(invoice["id"]) == "nothing"  # asked again: changes nothing
    plan = await limits.plan_of(org_id)
    assert plan.code == "growth" and plan.limits["locations"] == 3
    sub = await _sub(org_id)
    assert sub["status"] == "active" and sub["period_end"] - sub["period_start"] == timedelta(days=30)
    paid = await BillingInvoice.select().where(BillingInvoice.id == invoice["id"]).first()
    assert paid["status"] == "paid" and paid["paid_at"] is not None
    pdf = await owner_client.get(f"/settings/billing/invoices/{invoice['id']}")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 800
    page = await owner_client.get("/settings/billing/")
    assert "Your plan: Growth" in page.text and invoice["number"] in page.text


async def test_bad_plan_choices_are_refused_and_change_nothing(owner_client):
    org_id = owner_client.account.org_id
    for plan in ("", "free", "enterprise", "<script>"):
        response = await post(owner_client, "/settings/billing/upgrade", {"plan": plan})
        assert response.status_code == 422 and "Choose one of the paid plans" in response.text
    assert await BillingInvoice.count().where(BillingInvoice.organization == org_id) == 0


async def test_an_unpaid_renewal_falls_back_to_free_after_the_grace_period():
    account = await make_account()
    org_id = account.org_id
    plan = await make_plan(price=99_000, max_locations=5)
    end = utcnow() + timedelta(days=2)
    await subscribe(org_id, plan, period_end=end)
    report = await subscriptions.run_cycle(end - timedelta(days=2))  # within 3 days of the end: invoiced
    assert report.invoiced >= 1
    [renewal] = await BillingInvoice.select().where(BillingInvoice.organization == org_id)
    assert renewal["kind"] == "renewal" and renewal["period_start"] == end and renewal["pay_url"]
    await subscriptions.run_cycle(end - timedelta(days=1))
    assert await BillingInvoice.count().where(BillingInvoice.organization == org_id) == 1  # once
    await subscriptions.run_cycle(end + timedelta(seconds=1))  # the period ended unpaid
    sub = await _sub(org_id)
    assert sub["status"] == "past_due" and sub["grace_until"] == end + timedelta(days=7)
    assert (await limits.plan_of(org_id)).code == plan["code"]  # the plan holds during the grace period
    await subscriptions.run_cycle(end + timedelta(days=7) - timedelta(seconds=1))
    assert (await limits.plan_of(org_id)).code == plan["code"]
    await subscriptions.run_cycle(end + timedelta(days=7, seconds=1))
    assert (await limits.plan_of(org_id)).code == "free"
    sub = await _sub(org_id)
    assert sub["status"] == "active" and sub["period_end"] is None
    assert (await BillingInvoice.select().where(BillingInvoice.id == renewal["id"]).first())["status"] == "void"
    kinds = [r["message"] for r in await Notification.select().where(
        (Notification.organization == org_id) & (Notification.kind == "billing"))]
    assert len(kinds) == 3  # renewal invoice, past due, back to Free


async def test_a_renewal_paid_in_the_grace_period_keeps_the_plan_and_extends_it():
    account = await make_account()
    org_id = account.org_id
    plan = await make_plan(price=99_000)
    end = utcnow() + timedelta(days=1)
    await subscribe(org_id, plan, period_end=end)
    await subscriptions.run_cycle(end - timedelta(days=1))
    await subscriptions.run_cycle(end + timedelta(days=2))
    assert (await _sub(org_id))["status"] == "past_due"
    [renewal] = await BillingInvoice.select().where(BillingInvoice.organization == org_id)
    await _pay(renewal["pay_url"])
    assert await subscriptions.check_payment(renewal["id"]) == "paid"
    sub = await _sub(org_id)
    assert sub["status"] == "active" and sub["grace_until"] is None and sub["period_end"] == end + timedelta(days=30)
    await subscriptions.run_cycle(end + timedelta(days=8))
    assert (await limits.plan_of(org_id)).code == plan["code"]


async def test_another_organisations_invoice_is_not_found(owner_client):
    other = await make_account()
    plan = await make_plan()
    invoice_id = await subscriptions._new_invoice(other.org_id, await limits.plan_by_code(plan["code"]), "upgrade",
                                                  utcnow())
    response = await owner_client.get(f"/settings/billing/invoices/{invoice_id}")
    assert response.status_code == 404 and b"%PDF" not in response.content
    assert Tenant(owner_client.account.org_id) != tenant_of(other)
