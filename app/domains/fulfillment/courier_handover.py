"""A website or manual order handed to a booked courier: the courier's own word that it has the
parcel (picked up, or dropped off at its counter) ships the order with the waybill as its tracking
number, on the order's Shipment like any other shipment. Called by shipping; calling it again for
an order already shipped changes nothing."""

from __future__ import annotations

from app.core.database import transaction
from app.core.errors import Conflict
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.fulfillment.shipping import ALREADY_SHIPPED, finish_shipping, shipment_of, warehouse_order_of
from app.domains.fulfillment.statuses import ShipmentStatus, ShipMode
from app.domains.fulfillment.tables import Shipment
from app.domains.orders import OrderState

# Where a courier may take a parcel from: the packer's "packed" is the warehouse's word, but a
# courier that has the parcel has it (an order still picking is marked packed on the way).
HANDOVER_FROM = {OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED}


async def hand_over_to_courier(tenant: Tenant, order_id: int, *, carrier: str, waybill: str, pickup: bool) -> bool:
    """Ship an own-channel order with the courier's waybill; False when it was already shipped.
    Conflict (nothing changed) for a marketplace order or a cancelled one."""
    order = await warehouse_order_of(tenant, order_id)
    if order.store is not None:
        raise Conflict(_("A marketplace order is shipped through its marketplace."))
    if order.state in ALREADY_SHIPPED:
        return False
    if OrderState(order.state) not in HANDOVER_FROM:
        raise Conflict(_("Order %(number)s is %(state)s: it cannot be shipped.", number=order.platform_order_id,
                         state=OrderState(order.state).label()))
    mode = ShipMode.PICKUP if pickup else ShipMode.DROPOFF
    async with transaction():
        if order.state == OrderState.PICKING:
            await orders.transition(tenant, order.id, OrderState.PACKED)
        existing = await shipment_of(tenant, order.id)
        if existing is None:
            await tenant.scoped(Shipment).new(order=order.id, status=ShipmentStatus.ARRANGING, mode=mode,
                                              carrier=carrier[:80]).save()
        await finish_shipping(tenant, order, carrier, waybill, mode)
    return True
