"""Sandbox -> signed notification over real HTTP -> receiver -> payment state, on both gateways."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from app.core.clock import utcnow
from app.domains import payments
from app.domains.payments.tables import Payment, PaymentNotification
from app.sandbox.payment_state import PaymentFault
from tests.payments.conftest import CALLBACK_TOKEN, gateway_org, order_number

pytestmark = pytest.mark.usefixtures("pay")


async def start(org_id: int, method: str, amount: int = 150_000, order_id: int | None = None):
    number = order_number()
    start = await payments.start_payment(org_id, order_id or abs(hash(number)) % 10**8, number, amount, method,
                                         "Siti Aminah", "+6281234567890", "siti@example.id",
                                         utcnow() + timedelta(hours=2), "http://shop.example/status")
    return number, start


async def row(payment_id: int) -> dict:
    return await Payment.select().where(Payment.id == payment_id).first()


async def verdicts(number: str) -> list[str]:
    rows = await PaymentNotification.select(PaymentNotification.verdict).where(
        PaymentNotification.order_number == number).order_by(PaymentNotification.id)
    return [r["verdict"] for r in rows]


async def test_snap_pay_page_pays_the_order_and_settles_once(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "midtrans")
    assert started.status == "pending" and started.redirect_url and "/midtrans/snap/v4/redirection/" in started.redirect_url
    async with httpx.AsyncClient() as browser:
        page = await browser.get(started.redirect_url)
        assert page.status_code == 200 and number in page.text and 'data-action="pay"' in page.text
        done = await browser.post(f"{started.redirect_url}/pay", follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].startswith("http://shop.example/status?order_id=" + number)
    await pay.flush()
    paid = await row(started.payment_id)
    assert paid["status"] == "paid" and paid["paid_amount"] == 150_000 and paid["paid_at"] is not None
    assert [(e.org_id, e.payment_id, e.amount, e.method) for e in settled] == [(org_id, started.payment_id, 150_000,
                                                                                  "midtrans")]
    assert await verdicts(number) == ["applied"]
    view = await payments.payment_for_order(org_id, paid["order_id"])
    assert view is not None and view.status == "paid" and view.paid_amount == 150_000


async def test_duplicates_and_replays_change_nothing_twice(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "midtrans")
    pay.sandbox.duplicates = 2  # every notification three times
    pay.sandbox.midtrans_act(number, "pay")
    await pay.flush()
    pay.sandbox.resend("midtrans", number)  # a replay of the signed settlement, byte for byte
    await pay.flush()
    assert (await row(started.payment_id))["status"] == "paid"
    assert len(settled) == 1
    assert await verdicts(number) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert all(d.status == 200 for d in pay.sandbox.dispatcher.delivered if d.order_id == number)


async def test_wrong_signature_is_refused_and_changes_nothing(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "midtrans")
    pay.sandbox.add_fault(PaymentFault("bad_signature", "midtrans"))
    pay.sandbox.midtrans_act(number, "pay")
    await pay.flush()
    delivery = [d for d in pay.sandbox.dispatcher.delivered if d.order_id == number][-1]
    assert delivery.status == 401 and "signature" in delivery.answer
    assert (await row(started.payment_id))["status"] == "pending" and settled == []
    assert await verdicts(number) == ["forged"]


async def test_amount_mismatch_is_refused_even_when_signed(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "midtrans")
    pay.sandbox.add_fault(PaymentFault("wrong_amount", "midtrans"))
    pay.sandbox.midtrans_act(number, "pay")
    await pay.flush()
    delivery = [d for d in pay.sandbox.dispatcher.delivered if d.order_id == number][-1]
    assert delivery.status == 409 and "151000.00" in delivery.answer
    assert (await row(started.payment_id))["status"] == "pending" and settled == []


async def test_unknown_order_is_404_and_stored(pay, live_app):
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{live_app}/payments/midtrans/notification",
                                   json={"order_id": "W-NOPE", "status_code": "200", "gross_amount": "1.00",
                                         "signature_key": "x", "transaction_status": "settlement"})
        malformed = await client.post(f"{live_app}/payments/xendit/callback", content=b"{not json")
    assert answer.status_code == 404 and answer.json()["verdict"] == "unknown_order"
    assert malformed.status_code == 400
    assert await verdicts("W-NOPE") == ["unknown_order"]


async def test_xendit_hosted_page_pays_and_wrong_token_is_refused(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "xendit", amount=99_000)
    assert started.redirect_url and "/xendit/web/" in started.redirect_url
    invoice_id = started.redirect_url.rsplit("/", 1)[-1]
    pay.sandbox.add_fault(PaymentFault("bad_signature", "xendit"))
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(started.redirect_url)).status_code == 200
        await browser.post(f"{started.redirect_url}/pay")
    await pay.flush()
    assert (await row(started.payment_id))["status"] == "pending"
    pay.sandbox.resend("xendit", number)  # the replay carries the same forged token
    await pay.flush()
    assert (await row(started.payment_id))["status"] == "pending" and settled == []
    # the gateway retries with the right token (a fresh delivery of the same invoice state)
    pay.sandbox.notify_xendit(pay.sandbox.invoices[invoice_id])
    await pay.flush()
    assert (await row(started.payment_id))["status"] == "paid"
    assert [e.amount for e in settled] == [99_000]
    assert await verdicts(number) == ["forged", "forged", "applied"]
    stored = await PaymentNotification.select().where(PaymentNotification.order_number == number)
    assert all(invoice_id in r["raw_body"] for r in stored)  # the body as received, for audit
    assert all("x-callback-token" not in str(r["headers"]) and CALLBACK_TOKEN not in str(r["headers"]) for r in stored)
    assert "storesync-sandbox-xendit" in str(stored[0]["headers"])  # the user agent is kept


async def test_payment_after_expiry_is_flagged_for_refund_not_lost(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "midtrans")
    await payments.cancel_payment(org_id, (await row(started.payment_id))["order_id"])
    assert (await row(started.payment_id))["status"] == "cancelled"
    pay.sandbox.midtrans_act(number, "pay")  # the buyer pays on the still-open Snap page
    await pay.flush()
    flagged = await row(started.payment_id)
    assert flagged["status"] == "refund_due" and flagged["paid_amount"] == 150_000
    assert "after the payment was closed" in flagged["flagged_reason"]
    assert len(settled) == 1  # the money is announced once, so the order side can react
    assert await verdicts(number) == ["flagged"]


async def test_out_of_order_expire_after_paid_changes_nothing(pay, settled):
    org_id = await gateway_org()
    number, started = await start(org_id, "xendit", amount=75_000)
    invoice_id = started.redirect_url.rsplit("/", 1)[-1]
    invoice = pay.sandbox.invoices[invoice_id]
    pay.sandbox.xendit_act(invoice_id, "pay")
    await pay.flush()
    invoice.status, invoice.paid_at = "EXPIRED", None  # an older EXPIRED state, delivered late
    pay.sandbox.notify_xendit(invoice)
    await pay.flush()
    assert (await row(started.payment_id))["status"] == "paid"
    assert await verdicts(number) == ["applied", "stale"]


async def test_gateway_outage_leaves_payment_pending_without_redirect(pay):
    org_id = await gateway_org()
    pay.sandbox.add_fault(PaymentFault("server_error", "midtrans", remaining=None))
    with pytest.raises(payments.PaymentUnavailable):
        await start(org_id, "midtrans")
    rows = await Payment.select().where(Payment.organization == org_id)
    assert [(r["status"], r["redirect_url"]) for r in rows] == [("pending", "")]


async def test_method_not_enabled_is_refused(pay):
    from app.core.errors import ValidationFailed

    org_id = await gateway_org(midtrans_enabled=False)
    assert "midtrans" not in await payments.enabled_methods(org_id)
    with pytest.raises(ValidationFailed):
        await start(org_id, "midtrans")
    assert await Payment.count().where(Payment.organization == org_id) == 0
