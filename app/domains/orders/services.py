"""The order queue: lists with counts per state, search, detail with timeline, local transitions
and manual orders."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from piccolo.custom_types import Combinable
from piccolo.query import WhereRaw

from app.core.clock import utcnow, zone
from app.core.database import custom_plans, engine, is_postgres, pg_fetch, transaction
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import _, deferred, deferred_label
from app.core.money import parse_rupiah
from app.core.records import from_row, from_rows
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.domains import inventory as stock
from app.domains.audit import record
from app.domains.catalog import variant_by_code
from app.domains.inventory import default_location
from app.domains.orders import amounts, tags
from app.domains.orders.customers import normalize_email, normalize_phone
from app.domains.orders.events import (
    OrderCreated,
    OrderStatusChanged,
    ShipmentUpdated,
    announce,
    orders_changed,
)
from app.domains.orders.ingest import add_event, settle_stock
from app.domains.orders.statuses import ALLOWED, WAREHOUSE_STEPS, OrderState, StockState
from app.domains.orders.tables import Order, OrderEvent, OrderLine

if TYPE_CHECKING:
    from app.domains.orders.returns import ReturnView

PAGE = 50
COUNT_CAP = 10_000  # a tab counts exactly up to this many orders


@dataclass(slots=True)
class OrderPage:
    rows: list[dict[str, Any]]
    next_after: int | None


@dataclass(slots=True)
class StateCounts:
    """Orders per state for the queue's tabs, exact up to COUNT_CAP: past it a tab says "10000+"
    (counting a million completed orders on every page load would cost more than the page)."""

    by_state: dict[str, int]

    def get(self, state: str, default: int = 0) -> int:
        return min(self.by_state.get(state, default), COUNT_CAP)

    def label(self, state: str | None = None) -> str:
        """The tab's figure: one state's, or every state's for None ("+" when any was capped)."""
        values = [self.by_state.get(state, 0)] if state else list(self.by_state.values())
        total = sum(min(n, COUNT_CAP) for n in values)
        return f"{total}+" if any(n > COUNT_CAP for n in values) else str(total)


async def counts_by_state(tenant: Tenant) -> StateCounts:
    """Each state's count, capped: one statement of per-state subqueries that each stop after
    COUNT_CAP + 1 rows of the (organization, state, ...) index."""
    parts, args = [], []
    for state in OrderState:
        parts.append('SELECT CAST({} AS VARCHAR(16)) AS state, (SELECT count(*) FROM (SELECT 1 FROM "order" '
                     "WHERE organization = {} AND state = {} LIMIT {}) AS capped) AS n")
        args += [state.value, tenant.organization_id, state.value, COUNT_CAP + 1]
    rows = await Order.raw(" UNION ALL ".join(parts), *args)
    return StateCounts({r["state"]: r["n"] for r in rows if r["n"]})


async def list_orders(tenant: Tenant, *, state: str = "", store_id: int | None = None, q: str = "",
                      after: int | None = None, oversold: bool = False, tag: str = "",
                      placed_from: date | None = None, placed_to: date | None = None) -> OrderPage:
    """Newest placed first, keyset-paged by (placed_at, id) with the last row's id as the cursor (a
    date range keeps days in the organisation's zone, both ends included); search by order number,
    customer, phone or SKU; filter by state, store and tag. Each row carries its tags."""

    def page_query() -> Any:
        return _page_query(tenant, state=state, store_id=store_id, after=after, oversold=oversold, tag=tag,
                           placed_from=placed_from, placed_to=placed_to)

    # A filter's value decides its index (oversold: a partial one; a rare state), so a filtered
    # page is planned for its values; the plain newest-first page has one good plan.
    by_value = bool(state or store_id or oversold or tag.strip() or placed_from or placed_to)
    rows = await _search(tenant, page_query, q.strip(), plan_for_values=by_value)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    for row in rows:
        row["tags"] = tags.split_tag_list(row.pop("tag_list"))
    return OrderPage(rows, rows[-1]["id"] if more and rows else None)


def _page_query(tenant: Tenant, *, state: str, store_id: int | None, after: int | None, oversold: bool, tag: str,
                placed_from: date | None, placed_to: date | None) -> Any:
    """The queue's query with every filter but the search term, in the page's order: newest placed
    first, ties by id, so that (placed_at, id) is a strict keyset (indexes in migrations/orders/orders_initial.py)."""
    query = tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.channel, Order.state, Order.customer_name, Order.total,
        Order.currency, Order.placed_at, Order.oversold, Order.has_unmapped_lines, Order.store.name.as_alias("store_name"),
        Order.tracking_number, tags.tag_list_column(),
    )
    if state in set(OrderState):
        query = query.where(Order.state == state)
    if store_id:
        query = query.where(Order.store == store_id)
    if oversold:
        query = query.where(Order.oversold == True)  # noqa: E712
    if tag.strip():
        query = query.where(Order.id.is_in(tags.tagged(tenant, tag)))
    if placed_from is not None:
        query = query.where(Order.placed_at >= _day_start(placed_from, tenant.timezone))
    if placed_to is not None:
        query = query.where(Order.placed_at < _day_start(placed_to + timedelta(days=1), tenant.timezone))
    if after:
        # Rows after the last one shown, whose placing time is looked up by its id (in this tenant).
        last = '(SELECT placed_at FROM "order" WHERE id = {} AND organization = {})'
        query = query.where(WhereRaw(f'("order".placed_at, "order".id) < ({last}, {{}})',
                                     after, tenant.organization_id, after))
    return query.order_by(Order.placed_at, Order.id, ascending=False)


async def _search(tenant: Tenant, page_query: Callable[[], Any], term: str, *,
                  plan_for_values: bool = True) -> list[dict[str, Any]]:
    """The first PAGE + 1 rows of `page_query()` matching `term` (order number, customer, phone or a
    line's SKU), or all of its rows for no term.

    On PostgreSQL each of the four matches is its own query, limited and in the page's order, and
    the pages are merged: each can then use its own trigram index (or walk the newest orders,
    for a term that matches many), where one OR across them made PostgreSQL read every order."""
    if not term:
        if not plan_for_values:  # no BEGIN, SET LOCAL and COMMIT around it: one round trip
            return await page_query().limit(PAGE + 1)
        async with custom_plans():  # a filter's value decides its index (oversold: a partial one)
            return await page_query().limit(PAGE + 1)
    like = f"%{term.replace('%', '')}%"
    in_lines = WhereRaw('"order".id IN (SELECT l."order" FROM order_line l WHERE l.organization = {} AND '
                        'UPPER(l.seller_sku) LIKE {})', tenant.organization_id, like.upper())
    matches: list[Combinable] = [Order.platform_order_id.ilike(like), Order.customer_name.ilike(like),
               Order.customer_phone.ilike(like), in_lines]
    if not is_postgres():
        return await page_query().where(matches[0] | matches[1] | matches[2] | matches[3]).limit(PAGE + 1)
    queries = [page_query().where(match).limit(PAGE + 1) for match in matches]

    async def planned_for_term(query: Any) -> list[dict[str, Any]]:
        async with custom_plans():  # a generic plan cannot use a trigram index for `ILIKE $1`
            return await query

    if engine().current_transaction.get() is None:
        pages = await asyncio.gather(*map(planned_for_term, queries))  # four connections of the pool at once
    else:
        pages = [await planned_for_term(q) for q in queries]  # one connection: one query at a time
    merged = {row["id"]: row for page in pages for row in page}
    return sorted(merged.values(), key=lambda r: (r["placed_at"], r["id"]), reverse=True)[:PAGE + 1]


def _day_start(day: date, tz_name: str | None) -> datetime:
    """Midnight of `day` in the organisation's zone, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone(tz_name)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class OrderLineView:
    """A line of the order page: what was sold, its master variant, and units still returnable."""

    id: int
    order: int
    platform_item_id: str
    platform_model_id: str
    seller_sku: str
    title: str
    quantity: int
    unit_price: int
    variant: int | None
    variant_sku: str | None
    product_name: str | None
    returnable: int


@dataclass(frozen=True, slots=True)
class OrderEventView:
    """A line of the order's timeline, newest first."""

    id: int
    kind: str
    message: str
    actor: int | None
    actor_email: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderDetail:
    """The order page's order: its columns, store and location names, lines, timeline, tags, the
    states a person may move it to here, and its returns."""

    id: int
    store: int | None
    store_name: str | None
    channel: str
    platform_order_id: str
    state: str
    platform_status: str
    stock_state: str
    oversold: bool
    has_unmapped_lines: bool
    location: int | None
    location_code: str | None
    customer_name: str
    customer_phone: str
    address: dict[str, Any]
    customer_email: str
    currency: str
    total: int
    subtotal: int
    shipping_fee: int
    seller_discount: int
    platform_discount: int
    platform_fees: int | None
    cash_on_delivery: bool
    shipping_carrier: str
    tracking_number: str
    ship_by: datetime | None
    placed_at: datetime
    platform_updated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    lines: list[OrderLineView]
    events: list[OrderEventView]
    tags: list[str]
    next_states: list[OrderState]
    returns: list[ReturnView]


def _forward_first(current: OrderState, targets: set[OrderState]) -> list[OrderState]:
    """The next steps in the order's course first, going back a step last: a packed order offers
    "Mark shipped" before "Start picking" (the first is the page's main button)."""
    order = list(OrderState)
    return sorted(targets, key=lambda s: (order.index(s) < order.index(current), order.index(s)))


async def get_order(tenant: Tenant, order_id: int) -> OrderDetail:
    order = await tenant.scoped(Order).select(
        Order.all_columns(), Order.store.name.as_alias("store_name"), Order.location.code.as_alias("location_code"),
        tags.tag_list_column(),
    ).where(Order.id == _pk(order_id)).output(load_json=True).first()
    if order is None:
        from app.core.errors import NotFound

        raise NotFound(_("Order not found."))
    lines = await tenant.scoped(OrderLine).select(
        OrderLine.all_columns(), OrderLine.variant.sku.as_alias("variant_sku"),
        OrderLine.variant._.product.name.as_alias("product_name"),
    ).where(OrderLine.order == order["id"]).order_by(OrderLine.id)
    events = await tenant.scoped(OrderEvent).select(
        OrderEvent.all_columns(), OrderEvent.actor.email.as_alias("actor_email"),
    ).where(OrderEvent.order == order["id"]).order_by(OrderEvent.id, ascending=False)
    from app.domains.orders.returns import returned_of, returns_of

    order_returns = await returns_of(tenant, order["id"])
    already = returned_of(order_returns)
    return from_row(
        OrderDetail, order, address=order["address"] or {},
        lines=[from_row(OrderLineView, line, returnable=line["quantity"] - already.get(line["id"], 0))
               for line in lines],
        events=from_rows(OrderEventView, events), tags=tags.split_tag_list(order["tag_list"]),
        next_states=_forward_first(OrderState(order["state"]), local_targets(order["state"], order["store"])),
        returns=order_returns)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def local_targets(state: str, store: int | None) -> set[OrderState]:
    """The states a person may move an order in `state` (of marketplace `store`, None for a
    manual or website order) to here. A marketplace order's payment, cancel, shipment and
    delivery are the marketplace's to decide (a local change would leave it saying something
    else), so only the warehouse's own steps are local."""
    allowed = ALLOWED[OrderState(state)]
    if store is None:
        return set(allowed)
    if OrderState(state) not in WAREHOUSE_STEPS:
        return set()
    return allowed & WAREHOUSE_STEPS


async def transition(tenant: Tenant, order_id: int, target: str, *, by_person: bool = False) -> OrderState:
    """Move an order to `target` if the state model allows it, settling stock in the same
    transaction; Conflict (nothing changed) when it does not. A person (by_person) may only take
    the local steps of a marketplace order (local_targets)."""
    try:
        new_state = OrderState(target)
    except ValueError:
        raise ValidationFailed({"state": _("Unknown order state.")}) from None
    async with transaction():
        order = await get_order(tenant, order_id)
        current = OrderState(order.state)
        if by_person and order.store is not None and new_state not in local_targets(order.state, order.store):
            raise Conflict(_("A marketplace order is %(target)s on the marketplace, not here: use the marketplace "
                             "actions on this page. Nothing changed.", target=new_state.label()))
        if new_state not in ALLOWED[current]:
            raise Conflict(_("An order that is %(current)s cannot become %(target)s.", current=current.label(),
                             target=new_state.label()))
        changed = await tenant.scoped(Order).update({Order.state: new_state, Order.updated_at: utcnow()}).where(
            (Order.id == order.id) & (Order.state == current)).returning(Order.id)
        if not changed:
            raise Conflict(_("The order changed meanwhile; reload and try again."))
        await add_event(tenant, order.id, "status", deferred("%(from)s → %(to)s", **{
            "from": deferred_label(current), "to": deferred_label(new_state)}))
        await settle_stock(tenant, order.id)
        await announce(OrderStatusChanged(tenant.organization_id, order.id, current.value, new_state.value))
        await orders_changed(tenant.organization_id, [order.id],
                             [order.id] if new_state is OrderState.COMPLETED else [])
    await record(tenant.organization_id, tenant.actor, "order.transition", "order", order.id,
                 before={"state": current.value}, after={"state": new_state.value})
    return new_state


async def record_event(tenant: Tenant, order_id: int, kind: str, message: str) -> None:
    """A line on the order's timeline (joins the caller's transaction)."""
    await add_event(tenant, _pk(order_id), kind, message)


async def add_note(tenant: Tenant, order_id: int, note: str) -> None:
    note = note.strip()
    if not note or len(note) > 1000:
        raise ValidationFailed({"note": _("Write a note of at most 1000 characters.")})
    order = await get_order(tenant, order_id)
    await add_event(tenant, order.id, "note", note)


def _optional_rupiah(text: str, field: str, errors: dict[str, str]) -> int:
    if not (text or "").strip():
        return 0
    try:
        return parse_rupiah(text)
    except ValueError:
        errors[field] = _("Type an amount in rupiah, for example 15.000, or leave it empty.")
        return 0


async def create_manual_order(tenant: Tenant, *, customer_name: str, phone: str, address: str,
                              lines: list[tuple[str, int]], email: str = "", shipping_fee: str = "",
                              discount: str = "") -> int:
    """A sale made by WhatsApp, Instagram or in person: lines are (SKU or barcode, quantity),
    with an optional shipping fee charged and discount given (rupiah as typed); the order is
    ready to ship at once, so its stock is reserved like any other order."""
    errors: dict[str, str] = {}
    if not customer_name.strip() or len(customer_name) > 200:
        errors["customer_name"] = _("Customer name is required (at most 200 characters).")
    if len(phone) > 40:
        errors["phone"] = _("Phone is at most 40 characters.")
    if email.strip() and not normalize_email(email):
        errors["email"] = _("Type an e-mail address like nama@contoh.id, or leave it empty.")
    shipping = _optional_rupiah(shipping_fee, "shipping_fee", errors)
    off = _optional_rupiah(discount, "discount", errors)
    resolved = []
    for index, (code, qty) in enumerate(lines):
        variant = await variant_by_code(tenant, code)
        if variant is None or variant["archived"]:
            errors[f"line-{index}"] = _("No active variant has the SKU or barcode %(code)s.", code=code[:64])
        elif not 1 <= qty <= 10_000:
            errors[f"line-{index}"] = _("Quantity must be between 1 and 10000.")
        else:
            resolved.append((variant, qty))
    if not lines:
        errors["lines"] = _("Add at least one item.")
    subtotal = sum(v["price"] * q for v, q in resolved)
    if resolved and "discount" not in errors and off > subtotal + shipping:
        errors["discount"] = _("The discount cannot be more than the items and shipping together.")
    if errors:
        raise ValidationFailed(errors)
    location = await default_location(tenant)
    async with transaction():
        number = f"M-{await tenant.scoped(Order).count().where(Order.channel == 'manual') + 1:05d}"
        order = tenant.scoped(Order).new(
            channel="manual", platform_order_id=number, state=OrderState.READY_TO_SHIP,
            customer_name=customer_name.strip(), customer_phone=normalize_phone(phone),
            customer_email=normalize_email(email), address={"full_address": address.strip()},
            location=location.id, **amounts.for_manual(subtotal, shipping, off))
        await order.save()
        await OrderLine.insert(*[OrderLine(organization=tenant.organization_id, order=order.id, seller_sku=v["sku"],
                                           title=v["name"] or v["sku"], quantity=q, unit_price=v["price"],
                                           variant=v["id"]) for v, q in resolved])
        await add_event(tenant, order.id, "status", deferred("Manual order created."))
        await settle_stock(tenant, order.id)
        final = await tenant.scoped(Order).select(Order.oversold).where(Order.id == order.id).first()
        if final["oversold"]:
            raise await _not_enough_stock(tenant, resolved, location)
        await announce(OrderCreated(tenant.organization_id, order.id, "manual", OrderState.READY_TO_SHIP.value))
        await orders_changed(tenant.organization_id, [order.id])
    await record(tenant.organization_id, tenant.actor, "order.created", "order", order.id,
                 after={"number": number, "lines": [[v["sku"], q] for v, q in resolved]})
    return order.id


async def _not_enough_stock(tenant: Tenant, resolved: list[tuple[Any, int]], location: Any) -> Conflict:
    """The refusal of a manual order whose stock is short at `location`: each short SKU with what
    it asks and what is available there (the reservation attempt was rolled back, so these are the
    figures before the order)."""
    wanted: dict[int, tuple[str, int]] = {}
    for variant, qty in resolved:
        sku, before = wanted.get(variant["id"], (variant["sku"], 0))
        wanted[variant["id"]] = (sku, before + qty)
    short = []
    for variant_id, (sku, qty) in wanted.items():
        have = await stock.available(tenant, variant_id, [location["id"]])
        if have < qty:
            short.append(_("%(sku)s: %(wanted)s wanted, %(available)s available", sku=sku, wanted=qty, available=have))
    where = f"{location['name']} ({location['code']})"
    if not short:  # short only together (two bundles sharing a component): name the location at least
        return Conflict(_("Not enough stock at %(location)s for these items together; nothing was saved.",
                          location=where))
    return Conflict(_("Not enough stock at %(location)s — manual orders take stock from the default location: "
                      "%(short)s. Nothing was saved.", location=where, short="; ".join(short)))


async def start_picking(tenant: Tenant, order_ids: list[int] | None) -> list[int]:
    """Move ready-to-ship orders (these ids, or every one when None) to picking in one statement,
    skipping oversold orders and orders with unmapped lines; returns the ids that moved.
    No stock effect: picking keeps the reservation."""
    query = tenant.scoped(Order).update({Order.state: OrderState.PICKING, Order.updated_at: utcnow()}).where(
        (Order.state == OrderState.READY_TO_SHIP) & (Order.oversold == False)  # noqa: E712
        & (Order.has_unmapped_lines == False))  # noqa: E712
    if order_ids is not None:
        ids = sorted({_pk(i) for i in order_ids} - {-1})
        if not ids:
            return []
        query = query.where(Order.id.is_in(ids))
    async with transaction():
        moved = [r["id"] for r in await query.returning(Order.id)]
        if moved:
            message = deferred("%(from)s → %(to)s", **{"from": deferred_label(OrderState.READY_TO_SHIP),
                                                        "to": deferred_label(OrderState.PICKING)})
            await OrderEvent.insert(*[OrderEvent(organization=tenant.organization_id, order=i, kind="status",
                                                 message=message, actor=tenant.actor.user_id) for i in moved])
            await announce(*[OrderStatusChanged(tenant.organization_id, i, OrderState.READY_TO_SHIP.value,
                                                 OrderState.PICKING.value) for i in moved])
    if moved:
        await record(tenant.organization_id, tenant.actor, "order.picking", "order", moved[0],
                     after={"orders": len(moved)})
    return moved


async def record_tracking(tenant: Tenant, order_id: int, *, carrier: str, tracking_number: str) -> None:
    """Store the courier and tracking number on the order (joins the caller's transaction)."""
    fields: dict[Any, Any] = {Order.tracking_number: tracking_number.strip()[:80], Order.updated_at: utcnow()}
    if carrier.strip():
        fields[Order.shipping_carrier] = carrier.strip()[:80]
    await tenant.scoped(Order).update(fields).where(Order.id == _pk(order_id))
    await add_event(tenant, _pk(order_id), "status", deferred("Tracking number %(number)s", number=tracking_number.strip()[:80]))
    await announce(ShipmentUpdated(tenant.organization_id, _pk(order_id), carrier.strip()[:80], tracking_number.strip()[:80]))


@dataclass(frozen=True, slots=True)
class ChannelLine:
    """One line of an order placed on an own channel, priced by the caller (server-side)."""

    variant_id: int
    sku: str
    title: str
    quantity: int
    unit_price: int


async def place_channel_order(tenant: Tenant, *, channel: str, number_prefix: str, lines: list[ChannelLine],
                              customer_name: str, phone: str, email: str, address: dict[str, Any],
                              shipping_fee: int, paid: bool, cash_on_delivery: bool,
                              location_id: int | None = None, discount: int = 0) -> tuple[int, str]:
    """An order from the seller's own channel (the website): inserted with its lines and its stock
    reserved through the reservation path, all or nothing, in the caller's transaction (opened here
    when there is none); `discount` (vouchers, points) is the seller's, off the total. Unpaid orders hold their reservation too (until the channel's deadline).
    Raises InsufficientStock (nothing saved) when any line lacks stock. Returns (id, number)."""
    location = location_id or (await default_location(tenant))["id"]
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    state = OrderState.READY_TO_SHIP if paid else OrderState.UNPAID
    columns = {"channel": channel, "state": state.value, "customer_name": customer_name.strip()[:200],
               "customer_phone": normalize_phone(phone), "customer_email": normalize_email(email), "address": address,
               "location": location, "cash_on_delivery": cash_on_delivery,
               **amounts.for_manual(subtotal, shipping_fee, discount)}
    events = [("status", deferred("Placed on %(channel)s.", channel=deferred_label(Channel(channel)))),
              ("stock", deferred("Stock: %(what)s", what=deferred_label(StockState.RESERVED)))]
    async with transaction():
        if is_postgres():
            # the order, its number, its lines and its two events in one statement (every website
            # checkout places one); its stock is reserved next, in the same transaction, or nothing stays
            order_id = await _insert_channel_order(tenant, number_prefix, columns, lines, events)
            number = f"{number_prefix}{order_id:06d}"
            await stock.reserve(tenant, [stock.Line(line.variant_id, location, line.quantity) for line in lines],
                                reference=f"order:{order_id}")
        else:
            order = tenant.scoped(Order).new(platform_order_id="", **columns)
            await order.save()
            order_id, number = order.id, f"{number_prefix}{order.id:06d}"
            await OrderLine.insert(*[OrderLine(organization=tenant.organization_id, order=order_id,
                                               seller_sku=line.sku[:64], title=line.title[:255], quantity=line.quantity,
                                               unit_price=line.unit_price, variant=line.variant_id) for line in lines])
            await stock.reserve(tenant, [stock.Line(line.variant_id, location, line.quantity) for line in lines],
                                reference=f"order:{order_id}")
            await tenant.scoped(Order).update({Order.platform_order_id: number, Order.stock_state: "reserved"}).where(
                Order.id == order_id)
            await OrderEvent.insert(*[OrderEvent(organization=tenant.organization_id, order=order_id, kind=kind,
                                                 message=message, actor=tenant.actor.user_id) for kind, message in events])
        await orders_changed(tenant.organization_id, [order_id])
        await announce(OrderCreated(tenant.organization_id, order_id, channel, state.value))
    return order_id, number


# PostgreSQL: the id drawn first, so the number ("W-000123": at least six digits) is written with the
# row instead of by an UPDATE after it; the lines and events from arrays (unnest keeps their order).
_INSERT_CHANNEL_ORDER = """
WITH n AS (SELECT nextval(pg_get_serial_sequence('"order"', 'id'))::integer AS id),
o AS (
  INSERT INTO "order" (id, organization, channel, platform_order_id, state, stock_state, customer_name, customer_phone,
                       customer_email, address, location, cash_on_delivery, subtotal, shipping_fee, seller_discount,
                       platform_discount, platform_fees, total)
  SELECT n.id, $1, $2, $3 || CASE WHEN n.id < 1000000 THEN lpad(n.id::text, 6, '0') ELSE n.id::text END, $4,
         'reserved', $5, $6, $7, $8::json, $9, $10, $11, $12, $13, $14, $15, $16
  FROM n RETURNING id),
l AS (
  INSERT INTO order_line (organization, "order", seller_sku, title, quantity, unit_price, variant)
  SELECT $1, o.id, u.sku, u.title, u.quantity, u.unit_price, u.variant
  FROM o, unnest($17::text[], $18::text[], $19::integer[], $20::integer[], $21::integer[]) WITH ORDINALITY
       AS u(sku, title, quantity, unit_price, variant, position)
  ORDER BY u.position),
e AS (
  INSERT INTO order_event (organization, "order", kind, message, actor)
  SELECT $1, o.id, u.kind, u.message, $22
  FROM o, unnest($23::text[], $24::text[]) WITH ORDINALITY AS u(kind, message, position)
  ORDER BY u.position)
SELECT id FROM o
"""


async def _insert_channel_order(tenant: Tenant, number_prefix: str, columns: dict[str, Any],
                                lines: list[ChannelLine], events: list[tuple[str, str]]) -> int:
    c = columns
    rows = await pg_fetch(
        _INSERT_CHANNEL_ORDER, tenant.organization_id, c["channel"], number_prefix, c["state"], c["customer_name"],
        c["customer_phone"], c["customer_email"], json.dumps(c["address"], default=str, separators=(",", ":"), ensure_ascii=False), c["location"],
        c["cash_on_delivery"], c["subtotal"], c["shipping_fee"], c["seller_discount"], c["platform_discount"],
        c["platform_fees"], c["total"], [line.sku[:64] for line in lines], [line.title[:255] for line in lines],
        [line.quantity for line in lines], [line.unit_price for line in lines], [line.variant_id for line in lines],
        tenant.actor.user_id, [kind for kind, _m in events], [message for _k, message in events])
    return int(rows[0]["id"])


@dataclass(frozen=True, slots=True)
class SummaryLine:
    variant: int | None
    seller_sku: str
    title: str
    quantity: int
    unit_price: int


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """An order's state, amounts, address and lines, as the buyer's status page shows them."""

    id: int
    platform_order_id: str
    channel: str
    state: str
    customer_name: str
    customer_phone: str
    customer_email: str
    address: dict[str, Any]
    subtotal: int
    shipping_fee: int
    total: int
    currency: str
    seller_discount: int  # vouchers and points the seller funds (the buyer's page shows it)
    shipping_carrier: str
    tracking_number: str
    placed_at: datetime
    cash_on_delivery: bool
    lines: list[SummaryLine]


async def order_summary(tenant: Tenant, order_id: int) -> OrderSummary | None:
    """An order's state, amounts, address and lines (for the buyer's status page), or None."""
    order = await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.channel, Order.state, Order.customer_name, Order.customer_phone,
        Order.customer_email, Order.address, Order.subtotal, Order.shipping_fee, Order.total, Order.currency,
        Order.seller_discount,
        Order.shipping_carrier, Order.tracking_number, Order.placed_at, Order.cash_on_delivery,
    ).where(Order.id == _pk(order_id)).output(load_json=True).first()
    if order is None:
        return None
    lines = from_rows(SummaryLine, await tenant.scoped(OrderLine).select(
        OrderLine.variant, OrderLine.seller_sku, OrderLine.title, OrderLine.quantity, OrderLine.unit_price,
    ).where(OrderLine.order == order["id"]).order_by(OrderLine.id))
    return from_row(OrderSummary, order, address=order["address"] or {}, lines=lines)
