"""Order ingest: upsert a marketplace order and its lines, map lines to variants, and bring the
stock in line with the order's state — all in one transaction, replay-safe.

Stock effects (by the order's stock_state, so a replay does nothing twice):
  ready to ship / picking / packed  -> reserve (if not yet)   — too little stock: flagged oversold
  cancelled                         -> release a reservation
  shipped / delivered / completed   -> commit the reservation (reserve first if it never was)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.database import is_postgres, savepoint, transaction
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.catalog.services import variants_by_sku
from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.locations import default_location
from app.domains.listings.statuses import MappingStatus
from app.domains.listings.tables import Listing
from app.domains.notifications.services import notify
from app.domains.orders import amounts
from app.domains.orders.customers import normalize_email, normalize_phone
from app.domains.orders.statuses import (
    FROM_PLATFORM,
    NEEDS_DEDUCTION,
    NEEDS_RESERVATION,
    OrderState,
    StockState,
    platform_move,
)
from app.domains.orders.tables import Order, OrderEvent, OrderLine
from app.integrations.base import Order as PlatformOrder

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestResult:
    order_id: int
    created: bool
    changed: bool
    state: OrderState
    oversold: bool


async def _map_lines(tenant: Tenant, store_id: int, order: PlatformOrder) -> list[int | None]:
    keys = [(line.listing_id, line.variant_id) for line in order.lines]
    listings = await tenant.scoped(Listing).select(Listing.platform_item_id, Listing.platform_model_id,
                                                   Listing.variant).where(
        (Listing.store == store_id) & (Listing.status == MappingStatus.MAPPED)
        & Listing.platform_item_id.is_in(list({k[0] for k in keys}) or [""]))
    by_listing = {(r["platform_item_id"], r["platform_model_id"]): r["variant"] for r in listings}
    by_sku = await variants_by_sku(tenant, [line.seller_sku for line in order.lines if line.seller_sku])
    mapped = []
    for line in order.lines:
        variant = by_listing.get((line.listing_id, line.variant_id))
        if variant is None and line.seller_sku and (match := by_sku.get(line.seller_sku.upper())):
            variant = None if match["archived"] else match["id"]
        mapped.append(variant)
    return mapped


async def _event(tenant: Tenant, order_id: int, kind: str, message: str) -> None:
    await OrderEvent.insert(OrderEvent(organization=tenant.organization_id, order=order_id, kind=kind,
                                       message=message[:1000], actor=tenant.actor.user_id))


async def settle_stock(tenant: Tenant, order_id: int) -> StockState:
    """Bring reserved/deducted stock in line with the order's state (inside the caller's
    transaction). Returns the new stock state."""
    order = await tenant.scoped(Order).select().where(Order.id == order_id).first()
    state, current = OrderState(order["state"]), StockState(order["stock_state"])
    lines = await tenant.scoped(OrderLine).select(OrderLine.variant, OrderLine.quantity).where(
        (OrderLine.order == order_id) & OrderLine.variant.is_not_null())
    location = order["location"]
    stock_lines = [stock.Line(r["variant"], location, r["quantity"]) for r in lines]
    reference = f"order:{order_id}"
    target = current
    if not stock_lines or location is None:
        return current
    try:
        if state in NEEDS_RESERVATION and current in (StockState.NONE, StockState.RELEASED):
            async with savepoint():
                await stock.reserve(tenant, stock_lines, reference=reference)
            target = StockState.RESERVED
        elif state == OrderState.CANCELLED and current == StockState.RESERVED:
            await stock.release(tenant, stock_lines, reference=reference, reason=_("order cancelled"))
            target = StockState.RELEASED
        elif state in NEEDS_DEDUCTION and current != StockState.COMMITTED:
            async with savepoint():
                if current != StockState.RESERVED:
                    await stock.reserve(tenant, stock_lines, reference=reference)
                await stock.commit(tenant, stock_lines, reference=reference)
            target = StockState.COMMITTED
    except InsufficientStock as exc:
        await tenant.scoped(Order).update({Order.oversold: True}).where(Order.id == order_id)
        await notify(tenant, "oversold", _("Order %(id)s was sold without stock here: check it.", id=order_id),
                     link=f"/orders/{order_id}", dedupe_key=f"oversold:{order_id}")
        await _event(tenant, order_id, "oversold",
                     _("Not enough stock to reserve this order (%(why)s). Sold by the platform without stock here.",
                       why=exc.message))
        return current
    if target != current:
        await tenant.scoped(Order).update({Order.stock_state: target}).where(Order.id == order_id)
        await _event(tenant, order_id, "stock", _("Stock %(what)s.", what=_(target.value)))
    return target


async def ingest(tenant: Tenant, store: dict, order: PlatformOrder) -> IngestResult:
    """Upsert one marketplace order by (store, order number) and settle its stock; replaying the
    same or an older version of the order changes nothing."""
    state = FROM_PLATFORM[order.status]
    async with transaction():
        query = tenant.scoped(Order).select(Order.id, Order.state, Order.platform_updated_at, Order.oversold).where(
            (Order.store == store["id"]) & (Order.platform_order_id == order.order_id))
        if is_postgres():
            query = query.lock_rows()
        existing = await query.first()
        recipient = order.recipient
        fields = {
            "platform_status": order.raw_status[:40], "currency": order.currency, "total": order.total,
            "customer_name": ((recipient.name if recipient else None) or order.buyer_name or "")[:200],
            "customer_phone": normalize_phone(recipient.phone if recipient else None),
            "address": recipient.model_dump(mode="json") if recipient else {},
            "cash_on_delivery": order.cash_on_delivery, "shipping_carrier": (order.shipping_carrier or "")[:80],
            "ship_by": order.ship_by, "platform_updated_at": order.updated_at, "updated_at": utcnow(),
            "customer_email": normalize_email(order.buyer_email), **amounts.from_platform(order),
        }
        if order.tracking_number:
            fields["tracking_number"] = order.tracking_number[:80]
        if existing is None:
            variants = await _map_lines(tenant, store["id"], order)
            location = await default_location(tenant)
            row = tenant.scoped(Order).new(
                store=store["id"], channel=store["platform"], platform_order_id=order.order_id, state=state,
                placed_at=order.created_at, location=location["id"],
                has_unmapped_lines=any(v is None for v in variants), **fields)
            await row.save()
            await OrderLine.insert(*[
                OrderLine(organization=tenant.organization_id, order=row.id, platform_item_id=line.listing_id,
                          platform_model_id=line.variant_id, seller_sku=(line.seller_sku or "")[:64],
                          title=(line.name or "")[:255], quantity=line.quantity, unit_price=line.unit_price,
                          variant=variant)
                for line, variant in zip(order.lines, variants, strict=True)])
            await _event(tenant, row.id, "status", _("Imported from %(channel)s: %(status)s",
                                                     channel=store["platform"], status=order.raw_status))
            await notify(tenant, "new_order", _("New order %(number)s from %(channel)s", number=order.order_id,
                                                channel=store["platform"]), link=f"/orders/{row.id}",
                         dedupe_key=f"order:{row.id}")
            order_id, created, changed = row.id, True, True
        else:
            order_id, created = existing["id"], False
            last = existing["platform_updated_at"]
            if last is not None and order.updated_at < last:
                return IngestResult(order_id, False, False, OrderState(existing["state"]), existing["oversold"])
            state = platform_move(OrderState(existing["state"]), state)
            changed = existing["state"] != state
            if changed:
                fields["state"] = state
                await _event(tenant, order_id, "status", _("%(channel)s: %(status)s", channel=store["platform"],
                                                           status=order.raw_status))
            await tenant.scoped(Order).update(fields).where(Order.id == order_id)
        await settle_stock(tenant, order_id)
        final = await tenant.scoped(Order).select(Order.state, Order.oversold).where(Order.id == order_id).first()
    return IngestResult(order_id, created, changed, OrderState(final["state"]), final["oversold"])
