"""Bank transfers with unique codes, marking paid by hand, COD, refunds, and the statement upload."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains import payments
from app.domains.payments import services, statements
from app.domains.payments.tables import Payment
from tests.payments.conftest import gateway_org, order_number
from tests.support import post


async def transfer(org_id: int, amount: int, order_id: int = 1):
    return await payments.start_payment(org_id, order_id, order_number(), amount, "bank_transfer", "Budi", "+628111111111",
                                        None, utcnow() + timedelta(hours=24), "http://shop.example/s")


async def test_open_transfers_of_one_amount_never_share_a_total():
    org_id = await gateway_org()
    starts = await asyncio.gather(*[transfer(org_id, 125_000, n) for n in range(40)])
    totals = [s.amount_due for s in starts]
    assert len(set(totals)) == 40
    assert all(125_001 <= t <= 125_999 for t in totals)
    assert all(s.instructions["unique_code"] == s.amount_due - 125_000 for s in starts)
    assert starts[0].instructions["bank_accounts"][0]["number"] == "1234567890"
    # another organisation may use the same totals: codes are per organisation
    other = await gateway_org()
    assert (await transfer(other, 125_000)).amount_due in range(125_001, 126_000)


async def test_a_closed_transfer_frees_its_total():
    org_id = await gateway_org()
    first = await transfer(org_id, 10_000, order_id=77)
    await payments.cancel_payment(org_id, 77)
    row = await Payment.select().where(Payment.id == first.payment_id).first()
    assert row["status"] == "cancelled" and row["open_amount_key"] is None


async def test_mark_paid_cod_collected_and_refund(settled):
    org_id = await gateway_org()
    tenant = Tenant(org_id)
    bank = await transfer(org_id, 50_000)
    cod = await payments.start_payment(org_id, 2, order_number(), 80_000, "cod", "Budi", "+628111111111", None,
                                       utcnow() + timedelta(days=3), "http://shop.example/s")
    assert cod.amount_due == 80_000 and cod.redirect_url is None
    assert await services.mark_paid(tenant, bank.payment_id) == "applied"
    with pytest.raises(services.Conflict):
        await services.mark_paid(tenant, bank.payment_id)
    with pytest.raises(services.Conflict):
        await services.cod_collected(tenant, bank.payment_id)
    assert await services.cod_collected(tenant, cod.payment_id) == "applied"
    assert [(e.payment_id, e.method) for e in settled] == [(bank.payment_id, "bank_transfer"), (cod.payment_id, "cod")]
    await payments.flag_for_refund(org_id, cod.payment_id, "order cancelled after delivery failed")
    assert (await payments.payment_for_order(org_id, 2)).status == "refund_due"
    await services.mark_refunded(tenant, cod.payment_id)
    assert (await payments.payment_for_order(org_id, 2)).status == "refunded"
    with pytest.raises(services.Conflict):
        await services.mark_refunded(tenant, cod.payment_id)


def test_statement_amounts_in_every_bank_format():
    assert statements.rupiah("Rp 125.345,00") == 125_345
    assert statements.rupiah("125,345.00 CR") == 125_345
    assert statements.rupiah("125345") == 125_345
    assert statements.rupiah("125345,50") is None  # cents: not a unique-code transfer
    assert statements.rupiah("50.000,00 DB") is None
    assert statements.rupiah("abc") is None


async def test_statement_matches_unique_amounts_and_applies_after_review(owner_client, settled):
    from app.domains.payments.configuration import save_settings

    org_id = owner_client.account.org_id
    await save_settings(Tenant(org_id), cod_enabled=True, bank_transfer_enabled=True, midtrans_enabled=False,
                        xendit_enabled=False, secrets={},
                        bank_accounts=[{"bank": "BCA", "number": "1234567890", "holder": "Toko"}])
    a = await transfer(org_id, 125_000, 11)
    b = await transfer(org_id, 60_000, 12)
    csv_text = ("Tanggal;Keterangan;Mutasi;Saldo\n"
                f"05/12/2026;TRSF E-BANKING CR SITI;{a.amount_due:,}".replace(",", ".") + ",00;1.000.000,00\n"
                "05/12/2026;BIAYA ADM;15.000,00 DB;985.000,00\n"
                "05/12/2026;TRSF CR ANDI;77.777,00;1.062.777,00\n")
    review = await post(owner_client, "/payments/statement", files={"statement": ("mutasi.csv", csv_text.encode(),
                                                                                "text/csv")})
    assert review.status_code == 200, review.text[:300]
    assert f'value="{a.payment_id}:{a.amount_due}"' in review.text
    assert "No waiting transfer of this amount" in review.text  # 77.777 matches nothing
    assert (await payments.payment_for_order(org_id, 11)).status == "pending"  # review changes nothing
    applied = await post(owner_client, "/payments/statement/apply", {"match": f"{a.payment_id}:{a.amount_due}"})
    assert applied.status_code == 303
    assert (await payments.payment_for_order(org_id, 11)).status == "paid"
    assert (await payments.payment_for_order(org_id, 12)).status == "pending"
    assert [e.payment_id for e in settled] == [a.payment_id]
    again = await post(owner_client, "/payments/statement/apply", {"match": f"{a.payment_id}:{a.amount_due}"})
    assert again.status_code == 303 and len(settled) == 1
    assert b.amount_due != a.amount_due


async def test_statement_without_amount_column_is_refused(owner_client):
    response = await post(owner_client, "/payments/statement",
                          files={"statement": ("x.csv", b"name,city\nSiti,Bandung\n", "text/csv")})
    assert response.status_code == 422 and "No amount column found" in response.text
    empty = await post(owner_client, "/payments/statement", files={"statement": ("x.csv", b"", "text/csv")})
    assert empty.status_code == 422


async def test_payments_page_filters_and_buttons(owner_client):
    org_id = owner_client.account.org_id
    from app.domains.payments.configuration import save_settings

    await save_settings(Tenant(org_id), cod_enabled=True, bank_transfer_enabled=True, midtrans_enabled=False,
                        xendit_enabled=False, secrets={}, bank_accounts=[{"bank": "BCA", "number": "123456", "holder": "T"}])
    bank = await transfer(org_id, 40_000, 21)
    page = await owner_client.get("/payments/")
    assert page.status_code == 200 and "Waiting for payment" in page.text and "Bank transfer" in page.text
    assert f"/payments/{bank.payment_id}/paid" in page.text
    paid_only = await owner_client.get("/payments/?status=paid", headers={"HX-Request": "true"})
    assert paid_only.status_code == 200 and f"payment-{bank.payment_id}" not in paid_only.text
    done = await post(owner_client, f"/payments/{bank.payment_id}/paid")
    assert done.status_code == 303
    assert (await payments.payment_for_order(org_id, 21)).status == "paid"
    twice = await post(owner_client, f"/payments/{bank.payment_id}/paid")
    assert twice.status_code == 409


async def test_the_payments_page_gives_a_deadline_to_transfers_and_none_to_cod(owner_client):
    org_id = owner_client.account.org_id
    bank = await transfer(org_id, 70_000, 21)
    cod = await payments.start_payment(org_id, 22, order_number(), 90_000, "cod", "Budi", "+628111111111", None,
                                       utcnow(), "http://shop.example/s")
    page = await owner_client.get("/payments/")
    assert page.status_code == 200

    def row(payment_id: int) -> str:
        start = page.text.index(f'<li id="payment-{payment_id}">')
        return page.text[start:page.text.index("</li>", start)]

    assert "pay by" in row(bank.payment_id)
    assert "pay by" not in row(cod.payment_id) and "COD collected" in row(cod.payment_id)


async def test_payments_page_lists_the_latest_gateway_notifications(owner_client):
    from app.domains.payments.notifications import recent
    from app.domains.payments.tables import PaymentNotification

    org_id = owner_client.account.org_id
    await PaymentNotification.insert(PaymentNotification(
        organization=org_id, provider="midtrans", order_number="W-00077", gateway_status="settlement",
        raw_body="{}", verdict="duplicate", detail="seen before"))
    [notice] = await recent(org_id)
    assert (notice.order_number, notice.provider, notice.verdict) == ("W-00077", "midtrans", "duplicate")
    page = await owner_client.get("/payments/")
    assert "Latest gateway notifications" in page.text and "W-00077" in page.text
    assert "Midtrans (QRIS, e-wallet, virtual account) · Paid" in page.text  # the word "settlement", as a label
