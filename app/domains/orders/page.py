"""What the order page shows. A marketplace order also shows its actions on the marketplace
(cancel, arrange shipment), which are fulfillment's; fulfillment sits above orders, so app/wiring.py
registers the function that adds them here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.core.tenancy import Tenant
from app.domains import payments
from app.domains.orders import services

MAX_SELECTED = 500  # one bulk action on the order queue takes at most this many orders

MarketplaceExtras = Callable[[Tenant, services.OrderDetail], Awaitable[dict[str, Any]]]
_marketplace_extras: MarketplaceExtras | None = None


def on_order_page(extras: MarketplaceExtras) -> None:
    """Register what a marketplace order's page adds: actions, cancel_reasons, pending, cancellable."""
    global _marketplace_extras
    _marketplace_extras = extras


async def order_page(tenant: Tenant, order_id: int) -> dict[str, Any]:
    """The order, and for a marketplace order its actions there and the platform's cancel reasons."""
    order = await services.get_order(tenant, order_id)
    if order.store is None:
        # a website order's payment: its state, and for an unpaid one the deadline
        payment = await payments.payment_for_order(tenant.organization_id, order.id) \
            if order.channel == "website" else None
        return {"order": order, "actions": [], "cancel_reasons": [], "pending": None, "payment": payment}
    if _marketplace_extras is None:
        return {"order": order, "actions": [], "cancel_reasons": [], "pending": None}
    return {"order": order, **await _marketplace_extras(tenant, order)}
