"""Order ingest: upsert a marketplace order and its lines, map lines to variants, and bring the
stock in line with the order's state — all in one transaction, replay-safe.

Stock effects (by the order's stock_state, so a replay does nothing twice):
  ready to ship / picking / packed  -> reserve (if not yet)   — too little stock: flagged oversold
  cancelled                         -> release a reservation
  shipped / delivered / completed   -> commit the reservation (reserve first if it never was)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from asyncpg.exceptions import DeadlockDetectedError

from app.core.clock import utcnow
from app.core.database import is_postgres, savepoint, transaction
from app.core.i18n import N_, _, deferred, deferred_label, deferred_plural
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.domains import inventory as signals
from app.domains import inventory as stock
from app.domains.catalog import variants_by_sku
from app.domains.inventory import InsufficientStock, default_location
from app.domains.listings import mapped_variants, store_locations
from app.domains.notifications import notify
from app.domains.orders import amounts
from app.domains.orders.customers import normalize_email, normalize_phone
from app.domains.orders.events import OrderCreated, OrderStatusChanged, announce
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


async def add_event(tenant: Tenant, order_id: int, kind: str, message: str) -> None:
    """A line on the order's timeline, in the caller's transaction."""
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
        if not order["oversold"]:  # flagged before: the seller was told then (maybe in a page's note)
            await notify(tenant, "oversold", deferred("Order %(number)s was sold without stock here: check it.",
                                                      number=order["platform_order_id"]),
                         link=f"/orders/{order_id}", dedupe_key=f"oversold:{order_id}")
        await add_event(tenant, order_id, "oversold",
                     deferred("Not enough stock to reserve this order (%(why)s). Sold by the platform without "
                              "stock here.", why=_short(exc)))
        return current
    if target != current:
        await tenant.scoped(Order).update({Order.stock_state: target}).where(Order.id == order_id)
        await add_event(tenant, order_id, "stock", deferred("Stock: %(what)s", what=deferred_label(target)))
    return target


def _fields(order: PlatformOrder) -> dict:
    """The columns an order takes from the marketplace, on insert and on every update."""
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
    return fields


async def ingest(tenant: Tenant, store: dict, order: PlatformOrder) -> IngestResult:
    """Upsert one marketplace order by (store, order number) and settle its stock; replaying the
    same or an older version of the order changes nothing."""
    return (await ingest_page(tenant, store, [order]))[0]


async def ingest_page(tenant: Tenant, store: dict, orders: Sequence[PlatformOrder]) -> list[IngestResult]:
    """Upsert a page of marketplace orders (as an adapter returns them, e.g. 50) in one
    transaction, one result per order in the same order; replay-safe like ingest().

    New orders are mapped, inserted (lines and events too) with a few set-based statements; each
    still reserves its own stock, all or nothing, in page order, and one that cannot is flagged
    oversold. Orders already here are updated one by one, as a single ingest would. The seller
    hears once per page (new orders, oversold orders), stock listeners once, after the commit.
    An order number twice in a page: the later copies are ingested after the page."""
    first: dict[str, int] = {}
    repeats: list[int] = []
    for index, order in enumerate(orders):
        if order.order_id in first:
            repeats.append(index)
        else:
            first[order.order_id] = index
    results: list[IngestResult | None] = [None] * len(orders)
    async with signals.held():
        if first:
            distinct = [orders[i] for i in first.values()]
            try:
                async with transaction():
                    done = await _ingest_distinct(tenant, store, distinct)
            except DeadlockDetectedError:
                # PostgreSQL: another page reserving the same variants in another order. The page
                # was undone; take its orders one transaction each, which holds no lock across orders.
                log.warning("order page of %d deadlocked with another ingest: one by one", len(distinct))
                done = []
                for order in distinct:
                    async with transaction():
                        done += await _ingest_distinct(tenant, store, [order])
            for index, result in zip(first.values(), done, strict=True):
                results[index] = result
        for index in repeats:
            async with transaction():
                results[index] = (await _ingest_distinct(tenant, store, [orders[index]]))[0]
    return [r for r in results if r is not None]


async def _existing(tenant: Tenant, store_id: int, numbers: list[str]) -> dict[str, dict]:
    query = tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.state, Order.platform_updated_at, Order.oversold).where(
        (Order.store == store_id) & Order.platform_order_id.is_in(numbers)).order_by(Order.id)
    if is_postgres():
        query = query.lock_rows()  # a webhook and a scheduled fetch of the same order queue here
    return {r["platform_order_id"]: r for r in await query}


async def _ingest_distinct(tenant: Tenant, store: dict, orders: list[PlatformOrder]) -> list[IngestResult]:
    """ingest_page's work inside its transaction, for orders with distinct numbers. Stock moves in
    page order: each run of new orders is created together, orders already here are updated one
    by one between those runs (an update that releases stock comes before the next new order)."""
    existing = await _existing(tenant, store["id"], [o.order_id for o in orders])
    results: dict[str, IngestResult] = {}
    run: list[PlatformOrder] = []

    async def create_run() -> None:
        created = await _create(tenant, store, run) if run else {}
        raced = [o for o in run if o.order_id not in created]
        if raced:  # inserted by a concurrent ingest since we looked: update it instead
            existing.update(await _existing(tenant, store["id"], [o.order_id for o in raced]))
        results.update(created)
        for order in raced:
            results[order.order_id] = await _update(tenant, store, order, existing[order.order_id])
        run.clear()

    for order in orders:
        if order.order_id in existing:
            await create_run()
            results[order.order_id] = await _update(tenant, store, order, existing[order.order_id])
        else:
            run.append(order)
    await create_run()
    return [results[order.order_id] for order in orders]


async def _update(tenant: Tenant, store: dict, order: PlatformOrder, row: dict) -> IngestResult:
    order_id, last = row["id"], row["platform_updated_at"]
    if last is not None and order.updated_at < last:
        return IngestResult(order_id, False, False, OrderState(row["state"]), row["oversold"])
    fields = _fields(order)
    state = platform_move(OrderState(row["state"]), FROM_PLATFORM[order.status])
    changed = row["state"] != state
    if changed:
        fields["state"] = state
        await add_event(tenant, order_id, "status", deferred("%(channel)s: %(status)s", channel=deferred_label(Channel(store["platform"])),
                                                          status=deferred_label(FROM_PLATFORM[order.status])))
    await tenant.scoped(Order).update(fields).where(Order.id == order_id)
    await settle_stock(tenant, order_id)
    final = await tenant.scoped(Order).select(Order.state, Order.oversold).where(Order.id == order_id).first()
    if final["state"] != row["state"]:
        await announce(OrderStatusChanged(tenant.organization_id, order_id, row["state"], final["state"]))
    return IngestResult(order_id, False, changed, OrderState(final["state"]), final["oversold"])


async def _map_many(tenant: Tenant, store_id: int, orders: list[PlatformOrder]) -> list[list[int | None]]:
    """The master variant of every line of these orders (None: unmapped), with two queries in all:
    the store's mapped listing first, else an active variant with the line's seller SKU."""
    lines = [line for order in orders for line in order.lines]
    by_listing = await mapped_variants(tenant, store_id, {line.listing_id for line in lines})
    by_sku = await variants_by_sku(tenant, sorted({line.seller_sku for line in lines if line.seller_sku}))
    mapped = []
    for order in orders:
        variants = []
        for line in order.lines:
            variant = by_listing.get((line.listing_id, line.variant_id))
            if variant is None and line.seller_sku and (match := by_sku.get(line.seller_sku.upper())):
                variant = None if match["archived"] else match["id"]
            variants.append(variant)
        mapped.append(variants)
    return mapped


async def _store_location(tenant: Tenant, store_id: int) -> int:
    """Where a store's orders take their stock: the first location the store sells from (it
    lists some), else the organisation's default one."""
    listed = (await store_locations(tenant, [store_id])).get(store_id)
    return min(listed) if listed else (await default_location(tenant)).id


async def _create(tenant: Tenant, store: dict, orders: list[PlatformOrder]) -> dict[str, IngestResult]:
    """Insert new orders (skipping any a concurrent ingest inserted first), their lines and
    events, then settle each one's stock in page order. Returns results by order number."""
    org = tenant.organization_id
    mapped = await _map_many(tenant, store["id"], orders)
    location = await _store_location(tenant, store["id"])
    # Rows in order-number order: two pages inserting some of the same numbers wait, never deadlock.
    inserted = await Order.insert(*[
        Order(organization=org, store=store["id"], channel=store["platform"], platform_order_id=order.order_id,
              state=FROM_PLATFORM[order.status], placed_at=order.created_at, location=location,
              has_unmapped_lines=any(v is None for v in variants), **_fields(order))
        for order, variants in sorted(zip(orders, mapped, strict=True), key=lambda pair: pair[0].order_id)]).on_conflict(
        target=(Order.store, Order.platform_order_id), action="DO NOTHING").returning(
        Order.id, Order.platform_order_id)
    ids = {r["platform_order_id"]: r["id"] for r in inserted}
    made = [(order, variants, ids[order.order_id]) for order, variants in zip(orders, mapped, strict=True)
            if order.order_id in ids]
    if not made:
        return {}
    await OrderLine.insert(*[
        OrderLine(organization=org, order=order_id, platform_item_id=line.listing_id,
                  platform_model_id=line.variant_id, seller_sku=(line.seller_sku or "")[:64],
                  title=(line.name or "")[:255], quantity=line.quantity, unit_price=line.unit_price, variant=variant)
        for order, variants, order_id in made for line, variant in zip(order.lines, variants, strict=True)])
    # Read in the reader's language: "Imported from Shopee: Ready to ship", not the platform's codes.
    events = [_event_row(tenant, order_id, "status", deferred(
        N_("Imported from %(channel)s: %(status)s"), channel=deferred_label(Channel(store["platform"])),
        status=deferred_label(FROM_PLATFORM[order.status]))) for order, _variants, order_id in made]
    settled: dict[StockState, list[int]] = {StockState.RESERVED: [], StockState.COMMITTED: []}
    oversold: list[tuple[int, str]] = []
    for order, variants, order_id in made:
        lines = [stock.Line(v, location, line.quantity) for line, v in zip(order.lines, variants, strict=True)
                 if v is not None]
        state = FROM_PLATFORM[order.status]
        if not lines or not (state in NEEDS_RESERVATION or state in NEEDS_DEDUCTION):
            continue
        reference = f"order:{order_id}"
        try:
            if state in NEEDS_RESERVATION:
                await stock.reserve(tenant, lines, reference=reference)  # whole or nothing by itself
                settled[StockState.RESERVED].append(order_id)
            else:
                async with savepoint():
                    await stock.reserve(tenant, lines, reference=reference)
                    await stock.commit(tenant, lines, reference=reference)
                settled[StockState.COMMITTED].append(order_id)
        except InsufficientStock as exc:
            oversold.append((order_id, _short(exc)))
    for target, order_ids in settled.items():
        if order_ids:
            await tenant.scoped(Order).update({Order.stock_state: target}).where(Order.id.is_in(order_ids))
            events += [_event_row(tenant, order_id, "stock", deferred("Stock: %(what)s", what=deferred_label(target)))
                       for order_id in order_ids]
    if oversold:
        await tenant.scoped(Order).update({Order.oversold: True}).where(Order.id.is_in([i for i, _m in oversold]))
        events += [_event_row(tenant, order_id, "oversold", deferred(
            "Not enough stock to reserve this order (%(why)s). Sold by the platform without stock here.", why=why))
            for order_id, why in oversold]
    await OrderEvent.insert(*events)
    await _notify_page(tenant, store, [(order.order_id, order_id) for order, _v, order_id in made],
                       [order_id for order_id, _m in oversold])
    flagged = {order_id for order_id, _m in oversold}
    await announce(*[OrderCreated(org, order_id, store["platform"], FROM_PLATFORM[order.status])
                     for order, _v, order_id in made])
    return {order.order_id: IngestResult(order_id, True, True, FROM_PLATFORM[order.status], order_id in flagged)
            for order, _variants, order_id in made}


def _event_row(tenant: Tenant, order_id: int, kind: str, message: str) -> OrderEvent:
    return OrderEvent(organization=tenant.organization_id, order=order_id, kind=kind, message=message[:1000],
                      actor=tenant.actor.user_id)


def _short(exc: InsufficientStock) -> str:
    """Why an order could not reserve, to read in the reader's language."""
    return deferred("Not enough stock of %(sku)s for %(n)s more.", sku=exc.shown_sku, n=exc.wanted)


async def _notify_page(tenant: Tenant, store: dict, created: list[tuple[str, int]], oversold: list[int]) -> None:
    """One note for the page's new orders and one for its oversold ones (a single order keeps its
    own words and link)."""
    numbers = {order_id: number for number, order_id in created}
    if len(created) == 1:
        number, order_id = created[0]
        await notify(tenant, "new_order", deferred("New order %(number)s from %(channel)s", number=number,
                                                   channel=deferred_label(Channel(store["platform"]))),
                     link=f"/orders/{order_id}", dedupe_key=f"order:{order_id}")
    elif created:
        ids = [order_id for _number, order_id in created]
        await notify(tenant, "new_order", deferred_plural(
            "%(n)s new order from %(channel)s, %(first)s to %(last)s",
            "%(n)s new orders from %(channel)s, %(first)s to %(last)s", len(created),
            channel=deferred_label(Channel(store["platform"])), first=created[0][0], last=created[-1][0]),
                     link="/orders", dedupe_key=f"orders:{min(ids)}-{max(ids)}")
    if len(oversold) == 1:
        await notify(tenant, "oversold", deferred("Order %(number)s was sold without stock here: check it.",
                                                  number=numbers.get(oversold[0], oversold[0])),
                     link=f"/orders/{oversold[0]}", dedupe_key=f"oversold:{oversold[0]}")
    elif oversold:
        await notify(tenant, "oversold", deferred_plural(
            "%(n)s order was sold without stock here: check it.",
            "%(n)s orders were sold without stock here: check them.", len(oversold)),
                     link="/orders?oversold=true", dedupe_key=f"oversold:{min(oversold)}-{max(oversold)}")
