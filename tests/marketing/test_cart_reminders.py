"""Abandoned carts: a buyer who left an e-mail address at the checkout and placed no order gets one
reminder after the delay; a cart that became an order, or an unsubscribed buyer, gets none."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import utcnow
from app.domains.mail.tables import OutgoingMail
from app.domains.marketing import campaigns
from app.domains.marketing.reminders import remind_abandoned_carts
from app.domains.marketing.tables import CartReminder
from tests.marketing.test_voucher_pages import CHECKOUT, _cart_with_one_item
from tests.support import http_client
from tests.website.factories import seeded_shop


async def _reminders_to(address: str) -> int:
    return await OutgoingMail.count().where(OutgoingMail.recipient == address)


async def test_a_left_cart_is_reminded_once_after_the_delay(client, smtp_server):
    shop = await seeded_shop(5)
    token = await _cart_with_one_item(client, shop)
    seen = await client.post(f"/shop/{shop.slug}/checkout/preview", headers={"x-csrftoken": token, "HX-Request": "true"},
                             data={**CHECKOUT, "email": "lupa@contoh.id"})
    assert seen.status_code == 200
    row = await CartReminder.select().where(CartReminder.organization == shop.tenant.organization_id).first()
    assert row["email"] == "lupa@contoh.id" and row["link"].endswith(f"/shop/{shop.slug}/checkout")
    assert await remind_abandoned_carts(utcnow() + timedelta(hours=2)) == 0  # not yet
    assert await remind_abandoned_carts(utcnow() + timedelta(hours=4)) == 1
    assert await remind_abandoned_carts(utcnow() + timedelta(hours=8)) == 0  # once
    assert await _reminders_to("lupa@contoh.id") == 1


async def test_a_cart_that_became_an_order_or_an_unsubscribed_buyer_gets_no_reminder(app, client, smtp_server):
    shop = await seeded_shop(5)
    token = await _cart_with_one_item(client, shop)
    await client.post(f"/shop/{shop.slug}/checkout/preview", headers={"x-csrftoken": token, "HX-Request": "true"},
                      data={**CHECKOUT, "email": "jadi@contoh.id"})
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token},
                               data={**CHECKOUT, "email": "jadi@contoh.id"})
    assert placed.status_code == 303
    assert await remind_abandoned_carts(utcnow() + timedelta(hours=4)) == 0
    other = await seeded_shop(5)
    async with http_client(app) as second:
        token = await _cart_with_one_item(second, other)
        await second.post(f"/shop/{other.slug}/checkout/preview", headers={"x-csrftoken": token, "HX-Request": "true"},
                          data={**CHECKOUT, "phone": "0812 6000 0001", "email": "stop@contoh.id"})
    assert await campaigns.unsubscribe(campaigns.unsubscribe_token(other.tenant.organization_id, "+6281260000001"))
    assert await remind_abandoned_carts(utcnow() + timedelta(hours=4)) == 0
    assert await _reminders_to("stop@contoh.id") == 0
