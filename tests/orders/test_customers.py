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
