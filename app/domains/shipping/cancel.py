"""Cancel a courier booking before the courier has the parcel: by the seller from the order page
(the order keeps its state), or by a job when the order itself is cancelled.
"""

from __future__ import annotations

import logging

from app.core import tasks
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.core.i18n import _, read
from app.core.queue import get_queue, job_options, task_job
from app.core.tenancy import Tenant
from app.domains import audit, orders
from app.domains.shipping import configuration
from app.domains.shipping.statuses import ShipmentState
from app.domains.shipping.tables import CourierShipment
from app.integrations import errors

log = logging.getLogger(__name__)


async def cancel_booking(tenant: Tenant, order_id: int, *, outage_raises: bool = False,
                         reason: str = "Cancelled by the seller") -> None:
    """Cancel the order's booked (or waiting) courier; Conflict once the courier has the parcel, or
    when the courier refuses (`outage_raises`: an error the courier may get over propagates as is)."""
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
                shipment.booking_id, reason=reason)
        except errors.IntegrationError as exc:
            if exc.retryable and outage_raises:
                raise
            raise Conflict(_("The courier did not cancel the booking: %(why)s", why=read(exc.seller_message))) from exc
    await tenant.scoped(CourierShipment).update({CourierShipment.state: ShipmentState.CANCELLED,
                                                 CourierShipment.courier_status: "cancelled",
                                                 CourierShipment.next_attempt_at: None,
                                                 CourierShipment.updated_at: utcnow()}).where(
        CourierShipment.id == shipment.id)
    await audit.record(tenant.organization_id, tenant.actor, "shipping.cancelled", "order", order_id,
                       after={"waybill": shipment.waybill})


class BookingStillRunning(Exception):
    """The courier booking of a cancelled order is still being made: the job tries again shortly."""


async def on_order_status_changed(event: orders.OrderStatusChanged) -> None:
    """Listener (app.wiring): an order cancelled with its courier booked (or being booked) gets a job
    that cancels the booking at the courier. Nothing is called here: the event comes after the
    commit, and the courier's answer may take seconds. A booking still waiting for a retry needs
    nothing: its next attempt sees the cancelled order and gives up."""
    if event.to_state != "cancelled":
        return
    shipment = await CourierShipment.select(CourierShipment.id).where(
        (CourierShipment.organization == event.organization_id) & (CourierShipment.order == event.order_id)
        & CourierShipment.state.is_in([ShipmentState.BOOKED, ShipmentState.BOOKING])).first()
    if shipment is not None:
        await get_queue().enqueue(task_job(tasks.cancel_courier, key=f"courier-cancel:{event.order_id}",
                                           **job_options(timeout=60, retries=6))(
            organization_id=event.organization_id, order_id=event.order_id))


async def cancel_with_order(tenant: Tenant, order_id: int) -> str:
    """The job's part: cancel the booking of a cancelled order; the outcome goes on the order's
    timeline. BookingStillRunning while the booking is being made (the job retries); an error the
    courier may get over (outage, rate limit) propagates for a retry too."""
    shipment = await tenant.scoped(CourierShipment).objects().where(CourierShipment.order == order_id).first()
    if shipment is None or shipment.state in (ShipmentState.CANCELLED, ShipmentState.FAILED):
        return "nothing"
    if shipment.state == ShipmentState.BOOKING:
        raise BookingStillRunning(f"order {order_id}")
    if shipment.state not in (ShipmentState.BOOKED, ShipmentState.WAITING):
        await orders.record_event(tenant, order_id, "note", _(
            "The order was cancelled after the courier took the parcel (%(state)s): arrange its return with "
            "the courier.", state=ShipmentState(shipment.state).label()))
        return "too late"
    try:
        await cancel_booking(tenant, order_id, outage_raises=True, reason="Order cancelled")
    except Conflict as exc:
        await orders.record_event(tenant, order_id, "note", _(
            "The order was cancelled but its courier booking was not: %(why)s", why=exc.message))
        return "refused"
    except errors.IntegrationError as exc:  # an outage or rate limit: the job retries
        log.info("courier cancel of order %s failed, retrying: %s", order_id, exc)
        raise
    await orders.record_event(tenant, order_id, "note", _("Courier booking %(waybill)s cancelled with the order.",
                                                          waybill=shipment.waybill or "-"))
    return "cancelled"
