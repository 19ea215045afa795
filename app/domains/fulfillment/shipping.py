"""Ship a packed order: through the store's adapter for a marketplace order (pickup when offered,
else drop-off, then its tracking number), or with a typed courier and tracking number for a manual
order. Shipping twice ships once: the Shipment row is claimed before the adapter is called, and
an order already shipped is never sent to the adapter again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.core.clock import utcnow, zone
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.audit import record
from app.domains.fulfillment.errors import ShipFailed
from app.domains.fulfillment.statuses import ShipmentStatus, ShipMode
from app.domains.fulfillment.tables import Shipment
from app.domains.orders import OrderState, WarehouseOrder
from app.domains.stores import connection_for, get_store, open_adapter
from app.integrations.base import ShippingOptions, ShipRequest
from app.integrations.errors import IntegrationError

log = logging.getLogger(__name__)

ALREADY_SHIPPED = {OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED, OrderState.RETURNED}
STALE_CLAIM = timedelta(minutes=5)  # a claim this old belongs to a request that died mid-way


@dataclass(slots=True)
class ShipResult:
    order_id: int
    status: ShipmentStatus
    tracking_number: str = ""
    carrier: str = ""
    already: bool = False

    @property
    def shipped(self) -> bool:
        return self.status is ShipmentStatus.SHIPPED


async def warehouse_order_of(tenant: Tenant, order_id: int) -> WarehouseOrder:
    row = await orders.warehouse_order(tenant, order_id)
    if row is None:
        raise NotFound(_("Order not found."))
    return row


async def shipment_of(tenant: Tenant, order_id: int) -> Shipment | None:
    return await tenant.scoped(Shipment).objects().where(Shipment.order == _pk(order_id)).first()


def check_shippable(order: WarehouseOrder) -> None:
    """Conflict, in words, for an order that is cancelled or not packed."""
    state = OrderState(order.state)
    if state is OrderState.CANCELLED:
        raise Conflict(_("Order %(number)s is cancelled: it cannot be shipped. Nothing changed.",
                         number=order.platform_order_id))
    if state is not OrderState.PACKED:
        raise Conflict(_("Order %(number)s is %(state)s: pack it first (scan its items), then ship.",
                         number=order.platform_order_id, state=state.label()))


async def ship(tenant: Tenant, order_id: int, *, carrier: str = "", tracking_number: str = "") -> ShipResult:
    """Ship a packed order once; an order already shipped returns its shipment unchanged (the
    marketplace is not called again). Conflict for a cancelled or unpacked order, nothing changed."""
    order = await warehouse_order_of(tenant, order_id)
    if order.state in ALREADY_SHIPPED:
        return ShipResult(order.id, ShipmentStatus.SHIPPED, order.tracking_number, order.shipping_carrier,
                          already=True)
    existing = await shipment_of(tenant, order.id)
    if existing and existing.status == ShipmentStatus.SHIPPED:
        # handed over already, though a later platform status moved the order back (processed -> packed)
        return ShipResult(order.id, ShipmentStatus.SHIPPED, existing.tracking_number, existing.carrier,
                          already=True)
    if order.store is None:
        return await _ship_manual(tenant, order, carrier, tracking_number)
    if existing and existing.status == ShipmentStatus.AWAITING_TRACKING:
        return await refresh_tracking(tenant, order.id)
    check_shippable(order)
    await _claim(tenant, order)
    store = await get_store(tenant, order.store)
    try:
        async with open_adapter(store.platform) as adapter:
            conn = connection_for(tenant, store, adapter)
            options = await adapter.shipping_options(conn, order.platform_order_id)
            request = choose_handover(options)
            await adapter.ship_order(conn, request)
    except (IntegrationError, ShipFailed) as exc:
        log.warning("arranging shipment of order %s failed: %s", order.id, exc)
        await tenant.scoped(Shipment).delete().where(Shipment.order == order.id)
        if isinstance(exc, ShipFailed):
            raise
        raise ShipFailed(_("The marketplace did not arrange the shipment (%(why)s). Nothing changed; try again.",
                           why=str(exc)[:200])) from exc
    await tenant.scoped(Shipment).update({Shipment.status: ShipmentStatus.AWAITING_TRACKING,
                                          Shipment.mode: request.mode}).where(Shipment.order == order.id)
    await record(tenant.organization_id, tenant.actor, "order.shipment_arranged", "order", order.id,
                 after={"mode": request.mode})
    return await refresh_tracking(tenant, order.id)


def choose_handover(options: ShippingOptions) -> ShipRequest:
    """Pickup at the first address's first slot when the platform offers it, else drop-off."""
    for address in options.pickup_addresses:
        if address.slots:
            return ShipRequest(order_id=options.order_id, mode="pickup", package_id=options.package_id,
                               address_id=address.address_id, slot_id=address.slots[0].slot_id)
    if options.dropoff_available or options.dropoff_branches:
        branch = options.dropoff_branches[0].branch_id if options.dropoff_branches else None
        return ShipRequest(order_id=options.order_id, mode="dropoff", package_id=options.package_id,
                           branch_id=branch)
    raise ShipFailed(_("The marketplace offers neither pickup nor drop-off for this order yet. Try again later."))


async def _claim(tenant: Tenant, order: WarehouseOrder) -> None:
    """Take the order's Shipment row before calling the marketplace; Conflict when another request
    holds a fresh claim (so two taps call the adapter once)."""
    async with transaction():
        await orders.lock_order(tenant, order.id)
        existing = await shipment_of(tenant, order.id)
        if existing is None:
            await tenant.scoped(Shipment).new(order=order.id, status=ShipmentStatus.ARRANGING,
                                              carrier=order.shipping_carrier or order.channel,
                                              actor=tenant.actor.user_id).save()
        elif existing.status == ShipmentStatus.ARRANGING and utcnow() - existing.created_at > STALE_CLAIM:
            await tenant.scoped(Shipment).update({Shipment.created_at: utcnow()}).where(Shipment.id == existing.id)
        else:
            raise Conflict(_("This order's shipment is already being arranged; wait a moment and reload."))


async def refresh_tracking(tenant: Tenant, order_id: int) -> ShipResult:
    """Ask the marketplace for the tracking number of an arranged shipment; when it has one, record
    it and mark the order shipped (stock committed). Without one the shipment keeps waiting."""
    order = await warehouse_order_of(tenant, order_id)
    shipment = await shipment_of(tenant, order.id)
    if order.state in ALREADY_SHIPPED and shipment and shipment.status == ShipmentStatus.SHIPPED:
        return ShipResult(order.id, ShipmentStatus.SHIPPED, order.tracking_number, shipment.carrier,
                          already=True)
    if shipment is None or shipment.status != ShipmentStatus.AWAITING_TRACKING or order.store is None:
        raise Conflict(_("No shipment is waiting for a tracking number on this order."))
    store = await get_store(tenant, order.store)
    try:
        async with open_adapter(store.platform) as adapter:
            tracking = await adapter.tracking_number(connection_for(tenant, store, adapter), order.platform_order_id)
    except IntegrationError as exc:
        log.warning("tracking number of order %s not read: %s", order.id, exc)
        await tenant.scoped(Shipment).update({Shipment.note: str(exc)[:500]}).where(Shipment.id == shipment.id)
        tracking = None
    if not tracking:
        return ShipResult(order.id, ShipmentStatus.AWAITING_TRACKING, carrier=shipment.carrier)
    await finish_shipping(tenant, order, shipment.carrier, tracking, ShipMode(shipment.mode))
    return ShipResult(order.id, ShipmentStatus.SHIPPED, tracking, shipment.carrier)


async def _ship_manual(tenant: Tenant, order: WarehouseOrder, carrier: str, tracking_number: str) -> ShipResult:
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    errors = {}
    if not carrier or len(carrier) > 80:
        errors["carrier"] = _("Type the courier (at most 80 characters).")
    if not tracking_number or len(tracking_number) > 80:
        errors["tracking_number"] = _("Type the tracking number (at most 80 characters).")
    check_shippable(order)
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        existing = await shipment_of(tenant, order.id)
        if existing is None:
            await tenant.scoped(Shipment).new(order=order.id, status=ShipmentStatus.ARRANGING, mode=ShipMode.MANUAL,
                                              carrier=carrier, actor=tenant.actor.user_id).save()
        await finish_shipping(tenant, order, carrier, tracking_number, ShipMode.MANUAL)
    return ShipResult(order.id, ShipmentStatus.SHIPPED, tracking_number, carrier)


async def finish_shipping(tenant: Tenant, order: WarehouseOrder, carrier: str, tracking: str, mode: ShipMode) -> None:
    """Record the tracking number and move the order to shipped (stock committed) in one transaction."""
    async with transaction():
        await orders.record_tracking(tenant, order.id, carrier=carrier, tracking_number=tracking)
        current = await warehouse_order_of(tenant, order.id)
        if current.state not in ALREADY_SHIPPED:  # a platform update may have got there first
            await orders.transition(tenant, order.id, OrderState.SHIPPED)
        await tenant.scoped(Shipment).update({
            Shipment.status: ShipmentStatus.SHIPPED, Shipment.mode: mode, Shipment.carrier: carrier[:80],
            Shipment.tracking_number: tracking[:80], Shipment.shipped_at: utcnow(), Shipment.note: "",
        }).where(Shipment.order == order.id)


async def manifest(tenant: Tenant, day: date | None = None) -> tuple[date, dict[str, list[dict[str, Any]]]]:
    """The parcels shipped on `day` (today in the organisation's zone by default), per courier."""
    tz = zone(tenant.timezone)
    day = day or datetime.now(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    rows = await tenant.scoped(Shipment).select(
        Shipment.carrier, Shipment.tracking_number, Shipment.mode, Shipment.shipped_at,
        Shipment.order.id.as_alias("order_id"), Shipment.order.platform_order_id.as_alias("number"),
        Shipment.order.customer_name.as_alias("customer_name"), Shipment.order._.store.name.as_alias("store_name"),
        Shipment.order.cash_on_delivery.as_alias("cod"),
    ).where((Shipment.status == ShipmentStatus.SHIPPED) & (Shipment.shipped_at >= start)
            & (Shipment.shipped_at < start + timedelta(days=1))).order_by(Shipment.carrier).order_by(Shipment.shipped_at)
    by_carrier: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_carrier.setdefault(row["carrier"] or "—", []).append(row)
    return day, by_carrier


@dataclass(frozen=True, slots=True)
class PackedOrder:
    """A packed order on the fulfillment page, with the status of a shipment already arranged ("" for none)."""

    id: int
    platform_order_id: str
    customer_name: str
    channel: str
    store_name: str | None
    shipment: str


async def packed_orders(tenant: Tenant, limit: int = 200) -> list[PackedOrder]:
    """Packed orders waiting to be shipped, with any shipment already arranged."""
    rows = await orders.packed_orders(tenant, limit)
    waiting = {r["order"]: r["status"] for r in await tenant.scoped(Shipment).select(Shipment.order, Shipment.status)
               .where(Shipment.order.is_in([r.id for r in rows] or [-1]))}
    packed = [PackedOrder(r.id, r.platform_order_id, r.customer_name, r.channel, r.store_name,
                          waiting.get(r.id, "")) for r in rows]
    return [p for p in packed if p.shipment != ShipmentStatus.SHIPPED]


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
