"""Abandoned website carts: a buyer who typed an e-mail address at the checkout (and pressed
Apply) but placed no order gets one reminder after REMINDER_DELAY, unless they unsubscribed. The
website says whether a cart still holds items (a check it registers at start-up: marketing does not
read the website's tables)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from app.core.clock import utcnow
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import accounts
from app.domains.mail import Mail, queue_mails
from app.domains.marketing.campaigns import unsubscribe_token
from app.domains.marketing.tables import CartReminder, Consent
from app.settings import get_settings

REMINDER_DELAY = timedelta(hours=3)
CartCheck = Callable[[int, int], Awaitable[bool]]  # (organisation, cart id) -> still holds items
_cart_open: list[CartCheck] = []


def register_cart_check(check: CartCheck) -> None:
    """The website's answer to "does this cart still hold items?" (registered by app/wiring.py)."""
    _cart_open[:] = [check]


async def note_cart_contact(tenant: Tenant, cart_id: int, *, email: str, phone: str, link: str) -> None:
    """The buyer of this cart left a contact at the checkout: remember it (the last visit counts)."""
    if not email:
        return
    row = await tenant.scoped(CartReminder).select(CartReminder.id).where(CartReminder.cart_id == cart_id).first()
    if row is None:
        await tenant.scoped(CartReminder).new(cart_id=cart_id, email=email[:200], phone=phone[:40], link=link[:500],
                                              seen_at=utcnow()).save()
    else:
        await tenant.scoped(CartReminder).update({CartReminder.email: email[:200], CartReminder.phone: phone[:40],
                                                  CartReminder.seen_at: utcnow(), CartReminder.reminded_at: None}
                                                 ).where(CartReminder.id == row["id"])


async def remind_abandoned_carts(now: datetime | None = None, *, limit: int = 200) -> int:
    """One reminder per cart left for REMINDER_DELAY with items still in it (every organisation, a
    cron); returns how many were queued."""
    now = now or utcnow()
    due = await CartReminder.select().where(CartReminder.reminded_at.is_null()
                                            & (CartReminder.seen_at <= now - REMINDER_DELAY)).limit(limit)
    queued = 0
    base = get_settings().base_url.rstrip("/")
    for row in due:
        tenant = Tenant(row["organization"])
        claimed = await tenant.scoped(CartReminder).update({CartReminder.reminded_at: now}).where(
            (CartReminder.id == row["id"]) & CartReminder.reminded_at.is_null()).returning(CartReminder.id)
        if not claimed or not _cart_open or not await _cart_open[0](row["organization"], row["cart_id"]):
            continue
        customer = row["phone"] or row["email"]
        if await tenant.scoped(Consent).exists().where(
                (Consent.customer.is_in([customer, row["email"]])) & Consent.unsubscribed_at.is_not_null()):
            continue
        shop = await accounts.organization_name(row["organization"])
        body = (_("You left something in your cart at %(shop)s. Finish your order here: %(link)s", shop=shop,
                  link=row["link"]) + "\n\n--\n"
                + _("Unsubscribe: %(url)s", url=f"{base}/unsubscribe/{unsubscribe_token(row['organization'], customer)}")
                + "\n")
        await queue_mails([Mail(row["email"], _("Your cart at %(shop)s", shop=shop), body)],
                          organization_id=row["organization"])
        queued += 1
    return queued
