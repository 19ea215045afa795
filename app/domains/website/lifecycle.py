"""What happens to a website order after checkout: the expiry of unpaid orders (a cron) and the
reaction to a settled payment (a listener registered by create_app)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from app.core.clock import utcnow
from app.core.errors import Conflict
from app.core.i18n import N_, deferred
from app.core.tenancy import Tenant
from app.domains.orders import order_summary, transition
from app.domains.website import payment_port
from app.domains.website.tables import WebsiteOrder

log = logging.getLogger(__name__)


async def expire_due(now: datetime | None = None, *, limit: int = 500) -> int:
    """Cancel unpaid website orders past their deadline (every organisation): the cancel releases
    their stock (the push to the marketplaces follows), then their payment is cancelled. Returns
    how many were cancelled; an order paid meanwhile is left alone."""
    now = now or utcnow()
    due = await WebsiteOrder.select(WebsiteOrder.id, WebsiteOrder.organization, WebsiteOrder.order).where(
        (WebsiteOrder.deadline < now) & WebsiteOrder.expired_at.is_null()
        & (WebsiteOrder.order.state == "unpaid")).order_by(WebsiteOrder.deadline).limit(limit)
    cancelled = 0
    for row in due:
        tenant = Tenant(row["organization"])
        try:
            await transition(tenant, row["order"], "cancelled")
        except Conflict:  # paid (or cancelled) since we looked
            continue
        await WebsiteOrder.update({WebsiteOrder.expired_at: now}).where(WebsiteOrder.id == row["id"])
        cancelled += 1
        try:
            await payment_port.cancel_payment(row["organization"], row["order"])
        except Exception:  # the order is cancelled either way; payments retries its own expiry
            log.exception("cancelling the payment of expired order %s failed", row["order"])
    return cancelled


async def payment_settled(event: Any) -> None:
    """PaymentSettled(org_id, order_id, payment_id, amount, method): an unpaid order becomes ready
    to ship; a payment for an order already cancelled (expired) is flagged for refund, never lost."""
    tenant = Tenant(event.org_id)
    order = await order_summary(tenant, event.order_id)
    if order is None or order.channel != "website":
        return
    if order.state == "unpaid":
        payment = await payment_port.payment_for_order(event.org_id, event.order_id)
        if payment is not None and payment["status"] == "refund_due":
            return  # the money came after the payment closed: payments flagged it; the order stays unpaid
        try:
            await transition(tenant, order.id, "ready_to_ship")
            return
        except Conflict:
            order = await order_summary(tenant, event.order_id) or order
    if order.state == "cancelled":
        await payment_port.flag_for_refund(event.org_id, event.payment_id,
                                           deferred(N_("Paid after order %(order)s was cancelled."),
                                                    order=order.platform_order_id))
