"""A cancelled or expired transfer offered "Mark paid", and marking it paid was accepted; a gateway
notification showed the gateway's raw status word ("settlement", "EXPIRED")."""

from __future__ import annotations

import html
import re

import pytest

from app.core.tenancy import Tenant
from app.domains import payments
from app.domains.payments.configuration import save_settings
from app.domains.payments.tables import Payment, PaymentNotification
from tests.payments.test_manual_payments import transfer
from tests.support import post


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def _status(payment_id: int) -> str:
    return (await Payment.select(Payment.status).where(Payment.id == payment_id).first())["status"]


@pytest.mark.parametrize("closed", ["cancelled", "expired"])
async def test_a_closed_transfer_cannot_be_marked_paid(owner_client, closed):
    org_id = owner_client.account.org_id
    await save_settings(Tenant(org_id), cod_enabled=True, bank_transfer_enabled=True, midtrans_enabled=False,
                        xendit_enabled=False, secrets={}, bank_accounts=[{"bank": "BCA", "number": "123456", "holder": "T"}])
    open_one, shut = await transfer(org_id, 40_000, 31), await transfer(org_id, 50_000, 32)
    if closed == "cancelled":
        await payments.cancel_payment(org_id, 32)
    else:
        await Payment.update({Payment.status: "expired"}).where(Payment.id == shut.payment_id)

    page = await owner_client.get("/payments/")
    assert f"/payments/{open_one.payment_id}/paid" in page.text
    assert f"/payments/{shut.payment_id}/paid" not in page.text

    refused = await post(owner_client, f"/payments/{shut.payment_id}/paid", {})
    assert refused.status_code == 409
    assert f"This payment is {closed}: it can no longer be marked paid." in _visible(refused.text)
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    refused = await post(owner_client, f"/payments/{shut.payment_id}/paid", {})
    assert refused.status_code == 409 and "tidak bisa lagi ditandai lunas" in _visible(refused.text)
    assert await _status(shut.payment_id) == closed


async def test_gateway_notifications_show_a_status_label_not_the_gateways_word(owner_client):
    org_id = owner_client.account.org_id
    for provider, word, number in (("midtrans", "settlement", "W-00081"), ("xendit", "EXPIRED", "W-00082"),
                                   ("midtrans", "weird_new_status", "W-00083")):
        await PaymentNotification.insert(PaymentNotification(
            organization=org_id, provider=provider, order_number=number, gateway_status=word, raw_body="{}",
            verdict="duplicate", detail=""))
    english = _visible((await owner_client.get("/payments/")).text)
    assert "W-00081 · Midtrans (QRIS, e-wallet, virtual account) · Paid" in english
    assert "W-00082 · Xendit (QRIS, e-wallet, virtual account) · Expired" in english
    assert "a status StoreSync does not know (weird_new_status)" in english
    assert "settlement" not in english and "EXPIRED" not in english

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _visible((await owner_client.get("/payments/")).text)
    assert "W-00081 · Midtrans (QRIS, e-wallet, virtual account) · Dibayar" in indonesian
    assert "settlement" not in indonesian
