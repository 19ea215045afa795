"""What the order page's shipping panel and the buyer's status page show of a shipment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains import orders, payments
from app.domains.orders import OrderState
from app.domains.shipping import booking, configuration, rates
from app.domains.shipping.statuses import ACTIVE, ShipmentState
from app.domains.shipping.tables import CourierShipment, TrackingEvent
from app.integrations import errors
from app.integrations.couriers.gateway import Rate


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    courier_status: str
    note: str
    happened_at: datetime
    source: str


@dataclass(frozen=True, slots=True)
class Cod:
    """Cash the courier collects for a COD order, and when it reached the seller."""

    amount: int
    remitted_at: datetime | None


@dataclass
class Panel:
    order: orders.OrderDetail
    shipment: CourierShipment | None
    timeline: list[TimelineEntry]
    enabled: bool
    bookable: bool
    weight_grams: int = 0
    destination_postal: str = ""
    quotes: list[Rate] = field(default_factory=list)
    quote_error: str = ""
    quote_hint: str = ""  # what to type before there can be rates (not an error: nothing was typed yet)
    cod: Cod | None = None

    @property
    def live(self) -> bool:
        """The panel refreshes itself while the courier still has something to say."""
        return self.shipment is not None and (self.shipment.state in ACTIVE or self.shipment.state in (
            ShipmentState.BOOKING, ShipmentState.WAITING))


async def timeline(tenant: Tenant, shipment_id: int) -> list[TimelineEntry]:
    """The shipment's courier statuses, newest first."""
    return from_rows(TimelineEntry, await tenant.scoped(TrackingEvent).select(
        TrackingEvent.courier_status, TrackingEvent.note, TrackingEvent.happened_at, TrackingEvent.source).where(
        TrackingEvent.shipment == shipment_id).order_by(TrackingEvent.happened_at, ascending=False).order_by(
        TrackingEvent.id, ascending=False))


async def shipment_of(tenant: Tenant, order_id: int) -> CourierShipment | None:
    return await tenant.scoped(CourierShipment).objects().where(CourierShipment.order == order_id).first()


async def panel(tenant: Tenant, order_id: int, *, quote: bool = True, destination_postal: str = "",
                weight_grams: int | None = None) -> Panel:
    """The order page's shipping panel: the booking (or the form with live quotes), timeline, COD."""
    order = await orders.get_order(tenant, order_id)
    shipment = await shipment_of(tenant, order.id)
    steps = await timeline(tenant, shipment.id) if shipment else []
    active = await configuration.active(tenant.organization_id)
    cod = None
    if order.cash_on_delivery:
        payment = await payments.payment_for_order(tenant.organization_id, order.id)
        cod = Cod(order.total, payment.paid_at if payment and payment.status == "paid" else None)
    bookable = (order.store is None and OrderState(order.state) in booking.BOOKABLE and active is not None
                and (shipment is None or shipment.state == ShipmentState.CANCELLED))
    view = Panel(order, shipment, steps, active is not None, bookable, cod=cod)
    if not bookable:
        return view
    try:
        prepared = await booking.prepare(tenant, order.id, destination_postal=destination_postal,
                                         weight_grams=weight_grams)
    except ValidationFailed as exc:  # shown beside the fields it names
        view.destination_postal = destination_postal or booking.destination_postal_of(order)
        problems: dict[str, str] = dict(exc.errors)
        if not view.destination_postal.strip() and "destination_postal" in problems:
            del problems["destination_postal"]
            view.quote_hint = _("Type the buyer's postal code to see the couriers' rates.")
        view.quote_error = " ".join(problems.values())
        return view
    view.weight_grams, view.destination_postal = prepared.parcel.weight_grams, prepared.destination_postal
    origin = await configuration.origin_of(tenant, order.location)
    if not quote or origin is None or active is None:
        return view
    try:
        view.quotes = await rates.quote(tenant.organization_id, origin=origin.postal_code,
                                        destination=prepared.destination_postal, parcel=prepared.parcel, active=active)
    except errors.IntegrationError as exc:
        from app.core.i18n import read

        view.quote_error = read(exc.seller_message)
    return view


@dataclass(frozen=True, slots=True)
class BuyerTracking:
    courier: str
    waybill: str
    state: str
    timeline: list[TimelineEntry]


async def buyer_tracking(tenant: Tenant, order_id: int) -> BuyerTracking | None:
    """The courier, waybill and timeline the buyer's status page shows (None before a booking)."""
    shipment = await shipment_of(tenant, order_id)
    if shipment is None or not shipment.waybill:
        return None
    return BuyerTracking(shipment.courier_name, shipment.waybill, shipment.state, await timeline(tenant, shipment.id))
