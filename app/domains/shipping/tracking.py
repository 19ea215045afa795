"""What a courier status does: a line on the shipment's timeline (each status once), the shipment
moved forward only (never back: a late "picked" after "delivered" is kept on the timeline, the
state stays), and the order following it — picked: shipped with the waybill; delivered:
delivered; failed delivery or returned: a return opened for its units (orders' returns flow)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import AppError
from app.core.i18n import deferred, deferred_label, read
from app.core.tenancy import Actor, Tenant
from app.domains import fulfillment, orders
from app.domains.orders import OrderState
from app.domains.shipping import booking, configuration
from app.domains.shipping.statuses import (
    ACTIVE,
    FROM_COURIER,
    RANK,
    CourierStatus,
    EventSource,
    ShipmentState,
    Verdict,
)
from app.domains.shipping.tables import CourierShipment, TrackingEvent
from app.integrations import errors

log = logging.getLogger(__name__)
SHIPPED_STATES = {ShipmentState.PICKED, ShipmentState.IN_TRANSIT, ShipmentState.DELIVERED, ShipmentState.FAILED,
                  ShipmentState.RETURNED}


def _unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    from asyncpg.exceptions import UniqueViolationError

    return isinstance(exc, UniqueViolationError)


def _when(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return utcnow()
    return moment if moment.tzinfo else utcnow()


def _said(status: str) -> str:
    """The courier status as a timeline line says it, when the courier sent no note."""
    return deferred_label(CourierStatus(status)) if status in set(CourierStatus) else status


async def apply_status(tenant: Tenant, shipment_id: int, status: str, *, note: str = "", at: str = "",
                       source: EventSource = EventSource.WEBHOOK) -> Verdict:
    """Apply one courier status to a shipment: DUPLICATE (seen before: nothing changes), STALE (on the
    timeline, state kept), APPLIED, or MALFORMED for a status word we do not know."""
    target = FROM_COURIER.get(status)
    if target is None:
        return Verdict.MALFORMED
    shipment = await tenant.scoped(CourierShipment).get(shipment_id)
    try:
        async with transaction():
            await TrackingEvent.insert(TrackingEvent(
                organization=tenant.organization_id, shipment=shipment.id, courier_status=status,
                note=note[:300] or _said(status),
                happened_at=_when(at), source=source))
            current = ShipmentState(shipment.state)
            if RANK[target] <= RANK[current] or current in (ShipmentState.BOOKING, ShipmentState.WAITING):
                return Verdict.STALE
            moved = await tenant.scoped(CourierShipment).update({
                CourierShipment.state: target, CourierShipment.courier_status: status,
                CourierShipment.updated_at: utcnow()}).where(
                (CourierShipment.id == shipment.id) & (CourierShipment.state == current)).returning(CourierShipment.id)
            if not moved:
                return Verdict.STALE
    except Exception as exc:
        if _unique_violation(exc):
            return Verdict.DUPLICATE
        raise
    await _follow(tenant, shipment, target)
    return Verdict.APPLIED


async def _follow(tenant: Tenant, shipment: CourierShipment, target: ShipmentState) -> None:
    """The order follows its shipment (each step idempotent; a refusal is logged and noted)."""
    try:
        async with transaction():  # one commit for the order's steps (each joins it)
            await orders.record_event(tenant, shipment.order, "status",
                                      deferred("Courier: %(state)s", state=deferred_label(target)))
            if target in SHIPPED_STATES:
                await fulfillment.hand_over_to_courier(tenant, shipment.order, carrier=shipment.courier_name,
                                                       waybill=shipment.waybill, pickup=shipment.pickup)
            if target is ShipmentState.DELIVERED:
                order = await orders.get_order(tenant, shipment.order)
                if order.state == OrderState.SHIPPED:
                    await orders.transition(tenant, order.id, OrderState.DELIVERED)
        if target in (ShipmentState.FAILED, ShipmentState.RETURNED):
            await _open_return(tenant, shipment)
    except AppError as exc:
        log.warning("order %s did not follow its courier status %s: %s", shipment.order, target, exc.message)
        await tenant.scoped(CourierShipment).update({CourierShipment.reason: exc.message[:500]}).where(
            CourierShipment.id == shipment.id)


async def _open_return(tenant: Tenant, shipment: CourierShipment) -> None:
    if await orders.returns_of(tenant, shipment.order):
        return  # the failed delivery opened it already (or the seller did)
    order = await orders.get_order(tenant, shipment.order)
    wanted = {ln.id: ln.returnable for ln in order.lines if ln.returnable > 0}
    if wanted:
        await orders.open_return(tenant, order.id, wanted, reason=read(deferred(
            "Courier could not deliver (waybill %(waybill)s)", waybill=shipment.waybill)))


async def poll(tenant: Tenant, shipment_id: int) -> int:
    """Ask the courier for a shipment's tracking and apply what is new; returns how many statuses applied."""
    shipment = await tenant.scoped(CourierShipment).get(shipment_id)
    active = await configuration.active(tenant.organization_id)
    if active is None or not shipment.tracking_id:
        return 0
    tracking = await configuration.gateway_for(tenant.organization_id, active.api_key).track(shipment.tracking_id)
    applied = 0
    for step in tracking.history or []:
        if await apply_status(tenant, shipment.id, step.status, note=step.note, at=step.at,
                              source=EventSource.POLL) is Verdict.APPLIED:
            applied += 1
    await tenant.scoped(CourierShipment).update({CourierShipment.next_poll_at: utcnow() + booking.POLL_EVERY}).where(
        CourierShipment.id == shipment.id)
    return applied


async def poll_due(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The polling safety net: every active shipment whose poll is due (a webhook may have been lost)."""
    now = now or utcnow()
    due = await CourierShipment.select(CourierShipment.id, CourierShipment.organization).where(
        CourierShipment.state.is_in(list(ACTIVE)) & (CourierShipment.next_poll_at <= now)).order_by(
        CourierShipment.next_poll_at).limit(limit)
    applied = failed = 0
    for row in due:
        try:
            applied += await poll(Tenant(row["organization"], Actor(None, "worker")), row["id"])
        except errors.IntegrationError as exc:
            failed += 1
            log.warning("tracking poll of shipment %s failed: %s", row["id"], exc)
    return {"checked": len(due), "applied": applied, "failed": failed}
