"""Orders late to ship: past the marketplace's ship-by time and still not shipped."""

from __future__ import annotations

from app.core.clock import utcnow
from app.core.i18n import deferred
from app.core.tenancy import Actor, Tenant
from app.domains.notifications import notify
from app.domains.orders.statuses import NEEDS_RESERVATION
from app.domains.orders.tables import Order


async def notify_late_orders() -> int:
    """One 'late to ship' notification per late order (all organisations); returns how many new."""
    rows = await Order.select(Order.id, Order.organization, Order.platform_order_id, Order.ship_by).where(
        Order.state.is_in(list(NEEDS_RESERVATION)) & Order.ship_by.is_not_null() & (Order.ship_by < utcnow()))
    sent = 0
    for row in rows:
        tenant = Tenant(row["organization"], Actor(None, "worker"))
        sent += await notify(tenant, "late_order", deferred("Order %(number)s is late to ship.", number=row["platform_order_id"]),
                             link=f"/orders/{row['id']}", dedupe_key=f"late:{row['id']}")
    return sent
