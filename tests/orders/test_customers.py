"""Customers are merged across channels by phone number within an organisation."""

from __future__ import annotations

from app.domains.orders.customers import normalize_phone
from app.domains.orders.tables import Order
from tests.support import make_account, unique


def test_phone_numbers_are_normalised_to_one_form():
    assert normalize_phone("0812-3456 789") == normalize_phone("+62 812 3456 789") == "+628123456789"
    assert normalize_phone("8123456789") == "+628123456789"
    assert normalize_phone("******789") == "******789"
    assert normalize_phone(None) == ""


async def test_the_same_person_on_two_channels_is_one_customer(owner_client):
    org = owner_client.account.org_id
    for channel, phone, total in (("shopee", "+628129999001", 100_000), ("tiktok", "+628129999001", 50_000)):
        await Order(organization=org, channel=channel, platform_order_id=unique("O"), customer_name="Rina",
                    customer_phone=phone, total=total).save()
    other = await make_account()
    await Order(organization=other.org_id, channel="shopee", platform_order_id=unique("O"), customer_name="Rina",
                customer_phone="+628129999001", total=999).save()
    page = await owner_client.get("/customers")
    assert "Rina" in page.text and "Rp 150.000" in page.text and "2 orders" in page.text
    detail = await owner_client.get("/customers/0812-9999-001")
    assert detail.status_code == 200 and "Rp 150.000" in detail.text
    assert (await owner_client.get("/customers/0800000000")).status_code == 404


async def test_phone_on_one_channel_and_email_on_another_become_one_customer(owner_client):
    org = owner_client.account.org_id
    rows = (("shopee", "+628127777001", "", 100_000), ("manual", "", "dewi@contoh.id", 40_000),
            ("tiktok", "+628127777001", "dewi@contoh.id", 10_000))
    for channel, phone, email, total in rows:
        await Order(organization=org, channel=channel, platform_order_id=unique("O"), customer_name="Dewi",
                    customer_phone=phone, customer_email=email, total=total).save()
    await Order(organization=org, channel="manual", platform_order_id=unique("O"), customer_name="Dewi Lain",
                customer_email="dewi.lain@contoh.id", total=7_000).save()
    other = await make_account()
    await Order(organization=other.org_id, channel="manual", platform_order_id=unique("O"), customer_name="Dewi",
                customer_email="dewi@contoh.id", total=999_000).save()
    page = await owner_client.get("/customers")
    assert "Rp 150.000" in page.text and "3 orders" in page.text, "one customer with all three orders"
    assert "Rp 7.000" in page.text, "another e-mail stays another customer"
    assert "Rp 999.000" not in page.text and "Rp 1.149.000" not in page.text, "organisations never merge"
    by_email = await owner_client.get("/customers/DEWI@contoh.id")
    assert by_email.status_code == 200 and "Rp 150.000" in by_email.text and "+628127777001" in by_email.text
    by_phone = await owner_client.get("/customers/0812-7777-001")
    assert "Rp 150.000" in by_phone.text and "dewi@contoh.id" in by_phone.text


async def test_without_the_bridging_order_phone_and_email_stay_two_customers(owner_client):
    org = owner_client.account.org_id
    await Order(organization=org, channel="shopee", platform_order_id=unique("O"), customer_name="Eko",
                customer_phone="+628127777002", total=11_000).save()
    await Order(organization=org, channel="manual", platform_order_id=unique("O"), customer_name="Eko",
                customer_email="eko@contoh.id", total=22_000).save()
    by_email = await owner_client.get("/customers/eko@contoh.id")
    assert "Rp 22.000" in by_email.text and "Rp 11.000" not in by_email.text
    assert (await owner_client.get("/customers/nobody@contoh.id")).status_code == 404
