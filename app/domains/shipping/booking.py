"""Book a courier for a website or manual order, and book again what waited for a courier outage.

The shipment row is claimed (committed) before the aggregator is called, outside any transaction,
so two taps book once. A refusal (address not served, over the weight limit, the aggregator says
no) gives the claim back: nothing changed. An outage keeps the shipment waiting with the reason in
the seller's words, and a job books it again; packing goes on meanwhile.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import utcnow
from app.core.database import after_commit, transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _, deferred, read
from app.core.queue import get_queue, job_options, task_job
from app.core.tenancy import Actor, Tenant
from app.domains import audit, orders
from app.domains.orders import OrderState
from app.domains.shipping import configuration, rates
from app.domains.shipping.statuses import EventSource, ShipmentState
from app.domains.shipping.tables import CourierShipment, TrackingEvent
from app.integrations import errors
from app.integrations.couriers.gateway import BookingRequest, Contact, Parcel

log = logging.getLogger(__name__)
BOOKABLE = {OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED}
POSTAL = re.compile(r"^\d{5}$")
MAX_WEIGHT = 150_000
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(minutes=30)
POLL_EVERY = timedelta(minutes=30)


def retry_wait(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


@dataclass(frozen=True)
class Prepared:
    order: orders.OrderDetail
    parcel: Parcel
    computed_weight: int
    destination_postal: str


def destination_postal_of(order: orders.OrderDetail) -> str:
    return orders.postal_code_of(order.address)


async def prepare(tenant: Tenant, order_id: int, *, destination_postal: str = "", weight_grams: int | None = None
                  ) -> Prepared:
    """The order and its parcel as it would be booked (ValidationFailed / Conflict in words)."""
    order = await orders.get_order(tenant, order_id)
    if order.store is not None:
        raise Conflict(_("A marketplace order is shipped through its marketplace, not booked here."))
    lines = [rates.ParcelLine(ln.variant, ln.quantity, ln.unit_price) for ln in order.lines]
    parcel = await rates.parcel_of(tenant, lines)
    errors_: dict[str, str] = {}
    postal = (destination_postal or destination_postal_of(order)).strip()
    if not POSTAL.match(postal):
        errors_["destination_postal"] = _("Type the buyer's 5-digit postal code.")
    computed = parcel.weight_grams
    if weight_grams is not None:
        if not 1 <= weight_grams <= MAX_WEIGHT:
            errors_["weight_grams"] = _("Type the parcel's weight in grams (1 to 150000).")
        else:
            parcel = Parcel(weight_grams, parcel.value, parcel.length_cm, parcel.width_cm, parcel.height_cm)
    if errors_:
        raise ValidationFailed(errors_)
    return Prepared(order, parcel, computed, postal)


async def book(tenant: Tenant, order_id: int, *, service: str, pickup: bool, destination_postal: str = "",
               weight_grams: int | None = None) -> CourierShipment:
    """Book the courier service `service` ("jne:reg") for a website or manual order. Returns the
    shipment: booked (with its waybill) or waiting (the aggregator is down; a job books it again).
    ValidationFailed / Conflict (nothing changed) for an order that cannot be booked or a refusal."""
    active = await configuration.active(tenant.organization_id)
    if active is None:
        raise Conflict(_("Courier booking is off: set up the courier aggregator in Settings → Shipping."))
    if service not in active.services:
        raise ValidationFailed({"service": _("Choose one of the courier services you enabled.")})
    prepared = await prepare(tenant, order_id, destination_postal=destination_postal, weight_grams=weight_grams)
    order = prepared.order
    if OrderState(order.state) not in BOOKABLE:
        raise Conflict(_("Order %(number)s is %(state)s: a courier is booked for orders ready to ship, picking or "
                         "packed. Nothing changed.", number=order.platform_order_id,
                         state=OrderState(order.state).label()))
    origin = await configuration.origin_of(tenant, order.location)
    if origin is None:
        raise Conflict(_("Set the pickup address of this order's location in Settings → Shipping first."))
    courier, service_code = service.split(":", 1)
    shipment_id = await _claim(tenant, order, courier=courier, service=service_code, pickup=pickup,
                               weight=prepared.parcel.weight_grams,
                               overridden=prepared.parcel.weight_grams != prepared.computed_weight,
                               postal=prepared.destination_postal)
    return await attempt(tenant, shipment_id, first=True)


async def _claim(tenant: Tenant, order: orders.OrderDetail, *, courier: str, service: str, pickup: bool, weight: int,
                 overridden: bool, postal: str) -> int:
    values = {CourierShipment.state: ShipmentState.BOOKING, CourierShipment.courier: courier,
              CourierShipment.service: service, CourierShipment.pickup: pickup, CourierShipment.weight_grams: weight,
              CourierShipment.weight_overridden: overridden, CourierShipment.destination_postal: postal,
              CourierShipment.cod_amount: order.total if order.cash_on_delivery else 0,
              CourierShipment.courier_name: configuration.service_label(f"{courier}:{service}"),
              CourierShipment.reason: "", CourierShipment.attempts: 0, CourierShipment.booking_id: "",
              CourierShipment.waybill: "", CourierShipment.courier_status: "",
              CourierShipment.actor: tenant.actor.user_id, CourierShipment.updated_at: utcnow()}
    async with transaction():
        existing = await tenant.scoped(CourierShipment).select(CourierShipment.id, CourierShipment.state).where(
            CourierShipment.order == order.id).first()
        if existing is None:
            row = tenant.scoped(CourierShipment).new(order=order.id, **{c._meta.name: v for c, v in values.items()})
            await row.save()
            return row.id
        if existing["state"] == ShipmentState.WAITING:
            raise Conflict(_("A courier booking for this order is already waiting; StoreSync retries it by itself."))
        if existing["state"] != ShipmentState.CANCELLED:
            raise Conflict(_("A courier is already booked for this order. Nothing changed."))
        claimed = await tenant.scoped(CourierShipment).update(values).where(
            (CourierShipment.id == existing["id"]) & (CourierShipment.state == ShipmentState.CANCELLED)).returning(
            CourierShipment.id)
        if not claimed:
            raise Conflict(_("A courier is already booked for this order. Nothing changed."))
        await tenant.scoped(TrackingEvent).delete().where(TrackingEvent.shipment == existing["id"])
        return existing["id"]


async def attempt(tenant: Tenant, shipment_id: int, *, first: bool = False) -> CourierShipment:
    """Ask the aggregator to book a claimed or waiting shipment (no transaction is open here)."""
    shipment = await tenant.scoped(CourierShipment).get(shipment_id, _("Shipment not found."))
    if shipment.state not in (ShipmentState.BOOKING, ShipmentState.WAITING):
        return shipment
    active = await configuration.active(tenant.organization_id)
    order = await orders.get_order(tenant, shipment.order)
    origin = await configuration.origin_of(tenant, order.location)
    if active is None or origin is None:
        return await _give_up(tenant, shipment, first, _("Courier booking was switched off or the pickup address "
                                                        "removed; book again from the order page."))
    if OrderState(order.state) in (OrderState.CANCELLED,):
        return await _give_up(tenant, shipment, first, _("The order was cancelled; no courier was booked."))
    address = order.address or {}
    sized = await rates.parcel_of(tenant, [rates.ParcelLine(ln.variant, ln.quantity, ln.unit_price)
                                           for ln in order.lines])
    request = BookingRequest(
        reference=order.platform_order_id, courier=shipment.courier, service=shipment.service,
        origin=Contact(origin.contact_name, origin.phone, origin.address, origin.postal_code),
        destination=Contact(order.customer_name or "-", order.customer_phone or "-",
                            str(address.get("full_address") or address.get("line") or "-"), shipment.destination_postal),
        parcel=Parcel(shipment.weight_grams, sized.value, sized.length_cm, sized.width_cm, sized.height_cm),
        pickup=shipment.pickup, cod_amount=shipment.cod_amount)
    try:
        booking = await configuration.gateway_for(tenant.organization_id, active.api_key).book(request)
    except errors.IntegrationError as exc:
        if exc.retryable:
            return await _wait(tenant, shipment, exc)
        log.info("courier booking of order %s refused: %s", order.id, exc)
        return await _give_up(tenant, shipment, first, _("The courier refused the booking: %(why)s Nothing changed.",
                                                        why=read(exc.seller_message)))
    now = utcnow()
    async with transaction():
        await tenant.scoped(CourierShipment).update({
            CourierShipment.state: ShipmentState.BOOKED, CourierShipment.booking_id: booking.booking_id,
            CourierShipment.waybill: booking.waybill, CourierShipment.tracking_id: booking.tracking_id,
            CourierShipment.price: booking.price, CourierShipment.courier_status: booking.status or "confirmed",
            CourierShipment.reason: "", CourierShipment.next_attempt_at: None,
            CourierShipment.next_poll_at: now + POLL_EVERY, CourierShipment.updated_at: now,
        }).where(CourierShipment.id == shipment.id)
        await TrackingEvent.insert(TrackingEvent(organization=tenant.organization_id, shipment=shipment.id,
                                                 courier_status=booking.status or "confirmed",
                                                 note=deferred("Waybill %(waybill)s", waybill=booking.waybill),
                                                 happened_at=now, source=EventSource.BOOKING))
        await orders.record_tracking(tenant, order.id, carrier=shipment.courier_name, tracking_number=booking.waybill)
    await audit.record(tenant.organization_id, tenant.actor, "shipping.booked", "order", order.id,
                       after={"courier": shipment.courier_name, "waybill": booking.waybill, "pickup": shipment.pickup})
    return await tenant.scoped(CourierShipment).get(shipment.id)


async def _wait(tenant: Tenant, shipment: CourierShipment, exc: errors.IntegrationError) -> CourierShipment:
    attempts = shipment.attempts + 1
    due = utcnow() + retry_wait(attempts)
    log.warning("courier booking of order %s waits (attempt %s): %s", shipment.order, attempts, exc)
    async with transaction():
        await tenant.scoped(CourierShipment).update({
            CourierShipment.state: ShipmentState.WAITING, CourierShipment.attempts: attempts,
            CourierShipment.next_attempt_at: due, CourierShipment.updated_at: utcnow(),
            CourierShipment.reason: deferred("The courier service did not answer (%(why)s). StoreSync books it again "
                                             "by itself; you can pack meanwhile.", why=read(exc.seller_message)),
        }).where(CourierShipment.id == shipment.id)
        await after_commit(lambda: enqueue_booking(tenant.organization_id, shipment.id, due))
    return await tenant.scoped(CourierShipment).get(shipment.id)


async def _give_up(tenant: Tenant, shipment: CourierShipment, first: bool, message: str) -> CourierShipment:
    """A refusal: the claim is given back (first attempt: the row goes, or returns to cancelled) and
    the reason raised; a retry that is refused is cancelled with the reason kept for the seller."""
    if first:
        had_events = await tenant.scoped(TrackingEvent).exists().where(TrackingEvent.shipment == shipment.id)
        if had_events:
            await tenant.scoped(CourierShipment).update({CourierShipment.state: ShipmentState.CANCELLED}).where(
                CourierShipment.id == shipment.id)
        else:
            await tenant.scoped(CourierShipment).delete().where(CourierShipment.id == shipment.id)
        raise Conflict(message)
    await tenant.scoped(CourierShipment).update({CourierShipment.state: ShipmentState.CANCELLED,
                                                 CourierShipment.reason: message,
                                                 CourierShipment.next_attempt_at: None}).where(
        CourierShipment.id == shipment.id)
    await orders.record_event(tenant, shipment.order, "note", message)
    return await tenant.scoped(CourierShipment).get(shipment.id)


async def enqueue_booking(org_id: int, shipment_id: int, when: datetime | None = None) -> None:
    from app.core import tasks

    options = job_options(timeout=60, retries=0)
    if when is not None:
        options["scheduled"] = int(when.timestamp())
    await get_queue().enqueue(task_job(tasks.book_courier, key=f"courier-book:{shipment_id}:{int(when.timestamp()) if when else 0}",
                                       **options)(organization_id=org_id, shipment_id=shipment_id))


async def retry_due(now: datetime | None = None, limit: int = 100) -> int:
    """Book again every waiting shipment whose retry is due (the cron's safety net); returns how many were tried."""
    now = now or utcnow()
    due = await CourierShipment.select(CourierShipment.id, CourierShipment.organization).where(
        (CourierShipment.state == ShipmentState.WAITING) & (CourierShipment.next_attempt_at <= now)).order_by(
        CourierShipment.next_attempt_at).limit(limit)
    for row in due:
        await attempt(Tenant(row["organization"], Actor(None, "worker")), row["id"])
    return len(due)


async def book_bulk(tenant: Tenant, order_ids: list[int], *, pickup: bool = True) -> dict[str, list[str]]:
    """Book the cheapest enabled service for each of these orders (the queue's bulk action's job)."""
    done: list[str] = []
    failed: list[str] = []
    active = await configuration.active(tenant.organization_id)
    for order_id in order_ids:
        try:
            prepared = await prepare(tenant, order_id)
            origin = await configuration.origin_of(tenant, prepared.order.location)
            if active is None or origin is None:
                raise Conflict(_("Courier booking is not set up."))
            offers = await rates.quote(tenant.organization_id, origin=origin.postal_code,
                                       destination=prepared.destination_postal, parcel=prepared.parcel, active=active)
            if prepared.order.cash_on_delivery:
                offers = [r for r in offers if r.cod_available]
            if not offers:
                raise Conflict(_("No enabled courier serves this address for this parcel."))
            await book(tenant, order_id, service=offers[0].code, pickup=pickup)
            done.append(prepared.order.platform_order_id)
        except (Conflict, ValidationFailed, NotFound, errors.IntegrationError) as exc:
            message = getattr(exc, "message", None) or read(getattr(exc, "seller_message", str(exc)))
            failed.append(f"{order_id}: {message}")
    return {"done": done, "failed": failed}
