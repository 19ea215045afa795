"""Cancel a courier booking before the courier has the parcel (the order keeps its state)."""

from __future__ import annotations

from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.core.i18n import _, read
from app.core.tenancy import Tenant
from app.domains import audit
from app.domains.shipping import configuration
from app.domains.shipping.statuses import ShipmentState
from app.domains.shipping.tables import CourierShipment
from app.integrations import errors


async def cancel_booking(tenant: Tenant, order_id: int) -> None:
    """Cancel the order's booked (or waiting) courier; Conflict once the courier has the parcel."""
    shipment = await tenant.scoped(CourierShipment).objects().where(CourierShipment.order == order_id).first()
    if shipment is None:
        raise NotFound(_("No courier is booked for this order."))
    if shipment.state not in (ShipmentState.BOOKED, ShipmentState.WAITING):
        raise Conflict(_("This booking can no longer be cancelled: %(state)s.",
                         state=ShipmentState(shipment.state).label()))
    if shipment.state == ShipmentState.BOOKED:
        active = await configuration.active(tenant.organization_id)
        if active is None:
            raise Conflict(_("Courier booking is off: cancel it at the aggregator."))
        try:
            await configuration.gateway_for(tenant.organization_id, active.api_key).cancel(
                shipment.booking_id, reason="Cancelled by the seller")
        except errors.IntegrationError as exc:
            raise Conflict(_("The courier did not cancel the booking: %(why)s", why=read(exc.seller_message))) from exc
    await tenant.scoped(CourierShipment).update({CourierShipment.state: ShipmentState.CANCELLED,
                                                 CourierShipment.courier_status: "cancelled",
                                                 CourierShipment.next_attempt_at: None,
                                                 CourierShipment.updated_at: utcnow()}).where(
        CourierShipment.id == shipment.id)
    await audit.record(tenant.organization_id, tenant.actor, "shipping.cancelled", "order", order_id,
                       after={"waybill": shipment.waybill})
