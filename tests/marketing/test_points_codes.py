"""Points at the website's checkout belong to whoever reads the customer's mail: a code goes to the
e-mail address on file (the last completed order's, never the one typed), five wrong codes void it,
it expires, and only the cart that typed it sees the balance and spends the points — once."""

from __future__ import annotations

import pytest

from app.core.clock import utcnow
from app.domains.mail import outbox
from app.domains.mail.tables import OutgoingMail
from app.domains.marketing import loyalty, points_access
from app.domains.marketing.tables import PointsLine
from app.domains.orders.tables import Order
from tests.mailbox import mails_to
from tests.marketing.factories import mailed_points_code
from tests.marketing.test_loyalty import PROGRAMME, _complete, _on_file, _placed
from tests.marketing.test_voucher_pages import CHECKOUT, _cart_with_one_item
from tests.support import http_client
from tests.website.factories import buyer, seeded_shop

PHONE = "0812 3333 4444"  # CHECKOUT's number
CUSTOMER = "+6281233334444"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages in English whatever an earlier test left in this context."""
    from app.core import i18n

    token = i18n.current_locale.set("en")
    yield
    i18n.current_locale.reset(token)


async def _customer_with_points(client, *, email: bool = True, points: bool = True):
    """A shop with a customer (CHECKOUT's number) whose completed order earned 115 points, and left
    (or not) an e-mail address on file."""
    shop = await seeded_shop(20, price=100_000)
    await loyalty.save_programme(shop.tenant, PROGRAMME if points else {**PROGRAMME, "channels": ["manual"]})
    order = await _placed(client, shop, PHONE)
    if not email:
        await Order.update({Order.customer_email: ""}).where(Order.id == order["id"])
    await _complete(shop.tenant, order["id"])
    await loyalty.settle(shop.tenant)
    return shop


async def _code_over_smtp(smtp_server, address: str) -> str:
    """The code as the customer reads it: the outbox row delivered to the test SMTP server."""
    row = await OutgoingMail.select(OutgoingMail.id).where(OutgoingMail.recipient == address).order_by(
        OutgoingMail.id, ascending=False).first()
    assert (await outbox.deliver_due([row["id"]])).sent == 1
    [mail] = await mails_to(smtp_server, address, 1)
    text = mail.get_payload(decode=True).decode()
    return next(word.strip(".") for word in text.split() if word.strip(".").isdigit() and len(word.strip(".")) == 6)


async def _post(client, slug: str, path: str, token: str, **fields: str):
    return await client.post(f"/shop/{slug}/checkout/{path}", headers={"x-csrftoken": token, **HTMX},
                             data={**CHECKOUT, "voucher": "", "points": "", "marketing_consent": "", **fields})


async def test_a_stranger_typing_a_customers_number_sees_no_balance_and_cannot_spend_the_points(client, smtp_server):
    shop = await _customer_with_points(client)
    token = await _cart_with_one_item(client, shop)
    preview = await _post(client, shop.slug, "preview", token, points="50")
    assert preview.status_code == 200
    assert 'id="points-balance"' not in preview.text and "115" not in preview.text
    assert "Send me a code" in preview.text or "Kirimi saya kode" in preview.text
    assert 'id="err-points"' in preview.text  # the points are refused, the total keeps them
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token},
                               data={**CHECKOUT, "voucher": "", "points": "50", "marketing_consent": ""})
    assert placed.status_code == 422 and 'id="err-points"' in placed.text
    by_api = await client.post(f"/api/storefront/{shop.slug}/checkout?lang=en", json=buyer(
        PHONE, lines=[{"variant_id": shop.variant["id"], "quantity": 1}], points="50"))
    assert by_api.status_code == 422 and "code" in by_api.json()["errors"]["points"]
    assert await loyalty.balance_of(shop.tenant, CUSTOMER) == 115
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 1  # nothing placed
    # without JavaScript "Send me a code" answers with the whole checkout page, the refusal on the points
    no_js = await client.post(f"/shop/{shop.slug}/checkout/points-code", headers={"x-csrftoken": token}, data={
        **CHECKOUT, "phone": "0812 9876 0001", "voucher": "", "points": "", "marketing_consent": ""})
    assert no_js.status_code == 422 and 'id="err-points"' in no_js.text and 'name="line"' in no_js.text


async def test_the_code_goes_to_the_address_on_file_never_the_one_typed(client, smtp_server):
    shop = await _customer_with_points(client)
    token = await _cart_with_one_item(client, shop)
    typed = "pencuri@contoh.id"
    sent = await _post(client, shop.slug, "points-code", token, email=typed)
    on_file = _on_file(PHONE)
    assert sent.status_code == 200 and "p***@contoh.id" in sent.text and on_file not in sent.text
    code = await _code_over_smtp(smtp_server, on_file)
    assert len(code) == 6 and await OutgoingMail.count().where(OutgoingMail.recipient == typed) == 0
    assert not [m for m in smtp_server if m["To"] == typed]


async def test_strangers_numbers_without_points_and_without_an_address_get_one_same_answer(app, client, smtp_server):
    answers, organizations = [], []
    for phone, setup in (("0812 9876 0000", {}), (PHONE, {"points": False}), (PHONE, {"email": False})):
        shop = await _customer_with_points(client, **setup)
        organizations.append(shop.tenant.organization_id)
        async with http_client(app) as browser:
            token = (await browser.post(f"/api/storefront/{shop.slug}/cart")).json()["token"]
            answer = await browser.post(f"/api/storefront/{shop.slug}/cart/{token}/points-code?lang=en", json={"phone": phone})
        assert answer.status_code == 422
        answers.append(answer.json())
    assert answers[0] == answers[1] == answers[2] and "e-mail" in answers[0]["errors"]["points"]
    mails = await OutgoingMail.select(OutgoingMail.subject).where(OutgoingMail.organization_id.is_in(organizations))
    assert len(mails) == 3 and all("W-" in m["subject"] for m in mails)  # the orders' own mails, no code


async def test_five_wrong_codes_void_it_and_codes_are_not_sent_twice_a_minute(client, smtp_server):
    shop = await _customer_with_points(client)
    api = f"/api/storefront/{shop.slug}/cart"
    token = (await client.post(api)).json()["token"]
    sent = await client.post(f"{api}/{token}/points-code?lang=en", json={"phone": PHONE, "email": ""})
    assert sent.status_code == 202 and sent.json() == {"sent_to": "p***@contoh.id"}
    right = await mailed_points_code(_on_file(PHONE))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    answers = [await client.post(f"{api}/{token}/points-verify?lang=en", json={"phone": PHONE, "code": wrong})
               for _try in range(5)]
    assert [a.status_code for a in answers] == [422] * 5
    assert "4" in answers[0].json()["errors"]["points"] and "1" in answers[3].json()["errors"]["points"]
    assert "new one" in answers[4].json()["errors"]["points"]
    late = await client.post(f"{api}/{token}/points-verify?lang=en", json={"phone": PHONE, "code": right})
    assert late.status_code == 422  # the right code, too late: void
    again = await client.post(f"{api}/{token}/points-code?lang=en", json={"phone": PHONE, "email": ""})
    assert again.status_code == 429  # one code a minute per customer
    assert await points_access.verified_customer(shop.tenant, token) == ""
    bad = await client.post(f"{api}/{token}/points-verify?lang=en", json={"phone": PHONE, "code": "12ab"})
    assert bad.status_code == 422 and "6-digit" in bad.json()["errors"]["points"]


async def test_a_code_expires_after_ten_minutes_and_works_only_on_its_cart(client, smtp_server):
    from app.core.redis import redis_client

    shop = await _customer_with_points(client)
    api = f"/api/storefront/{shop.slug}/cart"
    token, other = [(await client.post(api)).json()["token"] for _n in range(2)]
    assert (await client.post(f"{api}/{token}/points-code?lang=en", json={"phone": PHONE})).status_code == 202
    code = await mailed_points_code(_on_file(PHONE))
    ttl = await redis_client().ttl(points_access._key("code", shop.tenant.organization_id, CUSTOMER))
    assert 0 < ttl <= 600
    elsewhere = await client.post(f"{api}/{other}/points-verify?lang=en", json={"phone": PHONE, "code": code})
    assert elsewhere.status_code == 422 and await points_access.verified_customer(shop.tenant, other) == ""
    with pytest.raises(loyalty.PointsRefused, match="expired"):
        await points_access.verify_points_code(shop.tenant, cart_token=token, phone=CUSTOMER, email="", code=code,
                                        now=utcnow() + points_access.CODE_TTL + points_access.CODE_TTL / 10)
    still = await client.post(f"{api}/{token}/points-verify?lang=en", json={"phone": PHONE, "code": code})
    assert still.status_code == 422 and await points_access.verified_customer(shop.tenant, token) == ""


async def test_the_right_code_shows_the_balance_and_spends_the_points_once(app, client, smtp_server):
    shop = await _customer_with_points(client)
    token = await _cart_with_one_item(client, shop)
    sent = await _post(client, shop.slug, "points-code", token)
    assert 'name="points_code"' in sent.text
    code = await _code_over_smtp(smtp_server, _on_file(PHONE))
    verified = await _post(client, shop.slug, "points-verify", token, points_code=code)
    assert verified.status_code == 200 and 'id="points-balance"' in verified.text and "115" in verified.text
    # the verification is this cart's and this customer's: another number on the same cart sees nothing
    other_number = await _post(client, shop.slug, "preview", token, phone="0812 5555 6666")
    assert 'id="points-balance"' not in other_number.text
    async with http_client(app) as stranger:
        their_cart = await _cart_with_one_item(stranger, shop)
        assert 'id="points-balance"' not in (await _post(stranger, shop.slug, "preview", their_cart)).text
    cart_token = next(v for k, v in client.cookies.items() if k.startswith("shop_cart_"))
    assert await points_access.verified_customer(shop.tenant, cart_token) == CUSTOMER
    later = utcnow() + points_access.VERIFIED_TTL + points_access.CODE_TTL
    assert await points_access.verified_customer(shop.tenant, cart_token, later) == ""  # 30 minutes, not more
    priced = await _post(client, shop.slug, "preview", token, points="50")
    assert "−Rp 500" in priced.text and 'id="err-points"' not in priced.text
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token},
                               data={**CHECKOUT, "voucher": "", "points": "50", "marketing_consent": ""})
    assert placed.status_code == 303, placed.text[-1500:]
    lines = await PointsLine.select(PointsLine.kind, PointsLine.points).where(
        (PointsLine.customer == CUSTOMER) & (PointsLine.organization == shop.tenant.organization_id)).order_by(
        PointsLine.id)
    assert [(ln["kind"], ln["points"]) for ln in lines] == [("earn", 115), ("redeem", -50)]
    assert await loyalty.balance_of(shop.tenant, CUSTOMER) == 65
    assert await points_access.verified_customer(shop.tenant, cart_token) == ""  # spent with the order
    assert await points_access.verified_customer(shop.tenant, "") == ""


async def test_one_address_cannot_probe_numbers_in_bulk(client):
    shop = await seeded_shop(5)
    await loyalty.save_programme(shop.tenant, PROGRAMME)
    token = (await client.post(f"/api/storefront/{shop.slug}/cart")).json()["token"]
    codes = [(await client.post(f"/api/storefront/{shop.slug}/cart/{token}/points-code?lang=en",
                                json={"phone": f"0812 4400 {n:04d}"})).status_code for n in range(31)]
    assert codes[:30] == [422] * 30 and codes[30] == 429  # 30 an hour from one address
