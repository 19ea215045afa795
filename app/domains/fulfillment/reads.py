"""What the REST API reads and does of shipments, through the same services as the warehouse pages."""

from __future__ import annotations

from datetime import datetime

from app.core.tenancy import Tenant
from app.domains.fulfillment import platform_actions, shipping
from app.domains.fulfillment.tables import Shipment

API_SHIPMENT_COLUMNS = ("id", "order", "status", "mode", "carrier", "tracking_number", "note", "created_at", "shipped_at")


async def shipment_page(tenant: Tenant, *, after: int = 0, limit: int = 100, order_id: int | None = None,
                        shipped_since: datetime | None = None) -> list[dict]:
    """Shipments with id > after, ascending, at most `limit`; of one order when `order_id` is given."""
    query = tenant.scoped(Shipment).select(
        *[Shipment._meta.get_column_by_name(c) for c in API_SHIPMENT_COLUMNS]).where(Shipment.id > after)
    if order_id is not None:
        query = query.where(Shipment.order == order_id)
    if shipped_since is not None:
        query = query.where(Shipment.shipped_at >= shipped_since)
    return await query.order_by(Shipment.id).limit(limit)


async def ship_order(tenant: Tenant, order_id: int, *, carrier: str = "", tracking_number: str = "") -> dict:
    """Ship as the warehouse's ship button does: a marketplace order is handed to a job that asks
    its marketplace ("requested"); a manual or website order ships at once with the courier and
    tracking number given. Conflict for an order that is not packed, nothing changed."""
    from app.domains import orders

    order = await orders.get_order(tenant, order_id)
    if order.store is not None and order.state not in shipping.ALREADY_SHIPPED:
        await platform_actions.request_ship(tenant, order.id)
        return {"order_id": order.id, "status": "requested", "carrier": "", "tracking_number": "", "already": False}
    result = await shipping.ship(tenant, order.id, carrier=carrier, tracking_number=tracking_number)
    return {"order_id": result.order_id, "status": str(result.status), "carrier": result.carrier,
            "tracking_number": result.tracking_number, "already": result.already}
