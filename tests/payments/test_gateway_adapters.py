"""The Midtrans and Xendit adapters against the payment sandbox over real HTTP: the calls, the
error taxonomy they share with the marketplace adapters, and closing a cancelled payment in a job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.core.clock import utcnow
from app.domains import payments
from app.domains.payments import configuration, services
from app.domains.payments.tables import Payment
from app.integrations import errors
from app.integrations.payments.gateway import Buyer
from app.sandbox.payment_state import PaymentFault
from tests.payments.conftest import SERVER_KEY, gateway_org, order_number

pytestmark = pytest.mark.usefixtures("pay")
BUYER = Buyer("Rina", "+6281300000000", None)


async def test_midtrans_status_expire_and_refund_rules(pay):
    org_id = await gateway_org()
    gateway = await configuration.gateway_for(org_id, "midtrans")
    number = order_number()
    checkout = await gateway.create(order_number=number, amount=20_000, buyer=BUYER,
                                    deadline=datetime.now(UTC) + timedelta(hours=1), finish_url="http://x/f")
    assert checkout.reference and checkout.redirect_url.endswith(checkout.reference)
    assert (await gateway.status(order_number=number)).state == "pending"
    with pytest.raises(errors.ValidationError):  # Snap refuses an order_id used before
        await gateway.create(order_number=number, amount=20_000, buyer=BUYER,
                             deadline=datetime.now(UTC) + timedelta(hours=1), finish_url="http://x/f")
    with pytest.raises(errors.ValidationError):  # nothing to refund yet
        await gateway.refund(order_number=number, amount=20_000, reason="test")
    pay.sandbox.midtrans_act(number, "pay")
    await gateway.refund(order_number=number, amount=20_000, reason="buyer asked")
    state = await gateway.status(order_number=number)
    assert state.state == "refunded" and state.amount == 20_000
    with pytest.raises(errors.ValidationError):
        await gateway.status(order_number="W-UNKNOWN")


async def test_wrong_key_is_an_auth_error_and_outages_are_retried_then_platform_errors(pay):
    org_id = await gateway_org(secrets={"midtrans_server_key": "SB-Mid-server-WRONG"}, xendit_enabled=False)
    gateway = await configuration.gateway_for(org_id, "midtrans")
    with pytest.raises(errors.AuthError):
        await gateway.status(order_number="W-1")
    good = await configuration.gateway_for(await gateway_org(), "midtrans")
    number = order_number()
    await good.create(order_number=number, amount=5_000, buyer=BUYER, deadline=utcnow() + timedelta(hours=1),
                      finish_url="http://x/f")
    pay.sandbox.add_fault(PaymentFault("server_error", "midtrans", remaining=2))
    assert (await good.status(order_number=number)).state == "pending"  # two 500s, then the answer
    pay.sandbox.add_fault(PaymentFault("rate_limit", "midtrans", remaining=None))
    with pytest.raises(errors.RateLimitError):
        await good.status(order_number=number)


async def test_xendit_invoice_get_and_expire(pay):
    org_id = await gateway_org()
    gateway = await configuration.gateway_for(org_id, "xendit")
    number = order_number()
    checkout = await gateway.create(order_number=number, amount=45_000, buyer=BUYER,
                                    deadline=utcnow() + timedelta(hours=1), finish_url="http://x/f")
    state = await gateway.status(order_number=number, reference=checkout.reference)
    assert (state.state, state.amount, state.order_number) == ("pending", 45_000, number)
    await gateway.expire(order_number=number, reference=checkout.reference)
    assert (await gateway.status(order_number=number, reference=checkout.reference)).state == "expired"
    with pytest.raises(errors.ValidationError):
        await gateway.refund(order_number=number, amount=45_000, reason="x")
    wrong_org = await gateway_org(secrets={"xendit_secret_key": "xnd_wrong", "xendit_callback_token": "t"},
                                  midtrans_enabled=False)
    wrong = await configuration.gateway_for(wrong_org, "xendit")
    with pytest.raises(errors.AuthError):
        await wrong.status(order_number=number, reference=checkout.reference)


async def test_cancelled_payment_is_closed_at_the_gateway_by_the_job(pay, settled):
    org_id = await gateway_org()
    number = order_number()
    started = await payments.start_payment(org_id, 4242, number, 33_000, "midtrans", "Rina", "+6281300000000", None,
                                           utcnow() + timedelta(hours=1), "http://x/f")
    await payments.cancel_payment(org_id, 4242)
    assert pay.sandbox.midtrans[number].status == "pending"  # nothing inline: a job does it
    assert await services.expire_at_gateway(org_id, started.payment_id) == "expired"
    assert pay.sandbox.midtrans[number].status == "expire"
    await pay.flush()  # the gateway's own "expire" notification: the payment stays cancelled
    row = await Payment.select(Payment.status).where(Payment.id == started.payment_id).first()
    assert row["status"] == "cancelled" and settled == []
    assert await services.expire_at_gateway(org_id, started.payment_id) == "refused"  # already closed


async def test_held_back_notifications_wait(pay):
    org_id = await gateway_org()
    number = order_number()
    started = await payments.start_payment(org_id, 5151, number, 12_000, "midtrans", "Rina", "+6281300000000", None,
                                           utcnow() + timedelta(hours=1), "http://x/f")
    pay.sandbox.delay_seconds = 3600
    pay.sandbox.midtrans_act(number, "pay")
    await pay.flush()
    row = await Payment.select(Payment.status).where(Payment.id == started.payment_id).first()
    assert row["status"] == "pending"  # the settlement is still on its way
    async with httpx.AsyncClient() as client:  # the shop asks the gateway instead (status API)
        answer = await client.get(f"{pay.sandbox_url}/midtrans/v2/{number}/status", auth=(SERVER_KEY, ""))
    assert answer.json()["transaction_status"] == "settlement"
