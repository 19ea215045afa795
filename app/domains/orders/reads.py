"""What other domains read of the orders' tables, as functions (they never query them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from piccolo.query.functions.aggregate import Count, Sum

from app.core.database import is_postgres
from app.core.tenancy import Tenant
from app.domains.orders.statuses import OrderState
from app.domains.orders.tables import Order, OrderLine


@dataclass(frozen=True, slots=True)
class DayCount:
    """Orders placed on one local day (YYYY-MM-DD) through one channel."""

    day: str
    channel: str
    n: int


async def placed_per_day(tenant: Tenant, since: datetime, offset_hours: int) -> list[DayCount]:
    """Orders placed since `since` per local day (the organisation's zone, or `offset_hours` from
    UTC on SQLite) and channel, grouped in SQL."""
    if is_postgres():
        rows = await Order.raw(
            'SELECT (placed_at AT TIME ZONE {})::date::text AS day, channel, COUNT(*) AS n FROM "order" '
            "WHERE organization = {} AND placed_at >= {} GROUP BY 1, 2", tenant.timezone, tenant.organization_id, since)
    else:
        rows = await Order.raw(
            'SELECT date(placed_at, {}) AS day, channel, COUNT(*) AS n FROM "order" '
            "WHERE organization = {} AND placed_at >= {} GROUP BY 1, 2", f"{offset_hours:+d} hours",
            tenant.organization_id, since.isoformat())
    return [DayCount(str(r["day"])[:10], r["channel"], int(r["n"])) for r in rows]


async def work_counts(tenant: Tenant, **extra: tuple[str, list]) -> dict[str, int]:
    """Members, orders to ship and oversold open orders in one statement, plus any `extra` named
    scalar subqueries another domain hands over (name -> (SQL, arguments)): the dashboard's
    counts cost one pool connection, not five. The member count is the dashboard's, read here
    only to share the statement."""
    org = tenant.organization_id
    columns = "".join(f", {sql} AS {name}" for name, (sql, _args) in extra.items())
    arguments = [arg for _sql, args in extra.values() for arg in args]
    row = (await Order.raw(
        "SELECT (SELECT COUNT(*) FROM membership WHERE organization = {}) AS members, "
        '(SELECT COUNT(*) FROM "order" WHERE organization = {} AND state IN ({}, {}, {})) AS to_ship, '
        '(SELECT COUNT(*) FROM "order" WHERE organization = {} AND oversold = true AND state <> {}) AS oversold'
        + columns,
        org, org, OrderState.READY_TO_SHIP.value, OrderState.PICKING.value, OrderState.PACKED.value,
        org, OrderState.CANCELLED.value, *arguments))[0]
    return {name: int(value) for name, value in row.items()}


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One line of an order with the order's money, as the money rollups read it."""

    order_id: int
    line_id: int
    store_id: int | None
    channel: str
    state: str
    placed_at: datetime
    variant_id: int | None
    quantity: int
    unit_price: int
    order_subtotal: int
    order_seller_discount: int
    order_platform_discount: int
    order_shipping_fee: int
    cost_of_goods: int | None = None  # fixed when the line's stock left (ship); None: not yet / unknown


# Orders that count as sales: paid and not cancelled.
NOT_SALES = (OrderState.UNPAID.value, OrderState.CANCELLED.value)


async def sold_lines(organization_id: int, *, order_ids: list[int] | None = None,
                     placed_from: datetime | None = None, placed_until: datetime | None = None) -> list[SoldLine]:
    """Lines of this organisation's orders (these ids, or placed in [from, until)), any state,
    ordered by order and line id."""
    query = OrderLine.select(
        OrderLine.id, OrderLine.order, OrderLine.variant, OrderLine.quantity, OrderLine.unit_price,
        OrderLine.cost_of_goods, OrderLine.order.store, OrderLine.order.channel, OrderLine.order.state, OrderLine.order.placed_at,
        OrderLine.order.subtotal, OrderLine.order.seller_discount, OrderLine.order.platform_discount,
        OrderLine.order.shipping_fee,
    ).where(OrderLine.organization == organization_id).order_by(OrderLine.order).order_by(OrderLine.id)
    if order_ids is not None:
        if not order_ids:
            return []
        query = query.where(OrderLine.order.is_in(order_ids))
    if placed_from is not None:
        query = query.where(OrderLine.order.placed_at >= placed_from)
    if placed_until is not None:
        query = query.where(OrderLine.order.placed_at < placed_until)
    return [SoldLine(order_id=r["order"], line_id=r["id"], store_id=r["order.store"], channel=r["order.channel"],
                     state=r["order.state"], placed_at=r["order.placed_at"], variant_id=r["variant"],
                     quantity=r["quantity"], unit_price=r["unit_price"], order_subtotal=r["order.subtotal"],
                     order_seller_discount=r["order.seller_discount"],
                     order_platform_discount=r["order.platform_discount"],
                     order_shipping_fee=r["order.shipping_fee"], cost_of_goods=r["cost_of_goods"])
            for r in await query]


async def placed_times(organization_id: int, order_ids: list[int]) -> dict[int, datetime]:
    """When each of these orders was placed."""
    if not order_ids:
        return {}
    rows = await Order.select(Order.id, Order.placed_at).where(
        (Order.organization == organization_id) & Order.id.is_in(order_ids))
    return {r["id"]: r["placed_at"] for r in rows}


async def store_orders(tenant: Tenant, store_id: int, *, numbers: list[str] | None = None,
                       open_since: datetime | None = None) -> dict[str, tuple[int, str]]:
    """{platform order number: (order id, state)} of one store: these numbers, or the orders
    placed since ``open_since`` that are sales (paid, not cancelled)."""
    query = tenant.scoped(Order).select(Order.id, Order.platform_order_id, Order.state).where(Order.store == store_id)
    if numbers is not None:
        if not numbers:
            return {}
        query = query.where(Order.platform_order_id.is_in(numbers))
    if open_since is not None:
        query = query.where((Order.placed_at >= open_since) & Order.state.not_in(list(NOT_SALES)))
    return {r["platform_order_id"]: (r["id"], r["state"]) for r in await query}


async def order_store(tenant: Tenant, order_id: int) -> int | None:
    """The store of an order of this organisation (None: none, or no such order)."""
    row = await tenant.scoped(Order).select(Order.store).where(Order.id == order_id).first()
    return row["store"] if row else None


async def placed_range(organization_id: int) -> tuple[datetime | None, datetime | None]:
    """When the organisation's first and last orders were placed (None, None: no orders)."""
    row = (await Order.raw('SELECT MIN(placed_at) AS first, MAX(placed_at) AS last FROM "order" '
                           "WHERE organization = {}", organization_id))[0]
    return _moment(row["first"]), _moment(row["last"])


def _moment(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

async def count_placed_since(organization_id: int, since: datetime) -> int:
    """Orders of the organisation placed since `since` (what a plan's monthly order figure counts)."""
    return await Order.count().where((Order.organization == organization_id) & (Order.placed_at >= since))

API_ORDER_COLUMNS = ("id", "platform_order_id", "channel", "store", "state", "stock_state", "oversold", "customer_name",
                     "currency", "total", "subtotal", "shipping_fee", "placed_at", "updated_at")


async def api_order_page(tenant: Tenant, *, after: int = 0, limit: int = 100, updated_since: datetime | None = None,
                     state: str = "") -> list[dict]:
    """Orders with id > after, ascending, at most `limit` (the API's cursor pages); only those
    changed at or after `updated_since` when given, only those in `state` when given."""
    query = tenant.scoped(Order).select(*[Order._meta.get_column_by_name(c) for c in API_ORDER_COLUMNS]).where(
        Order.id > after)
    if updated_since is not None:
        query = query.where(Order.updated_at >= updated_since)
    if state:
        query = query.where(Order.state == state)
    return await query.order_by(Order.id).limit(limit)


async def sales_summary(tenant: Tenant, since: datetime, until: datetime) -> list[dict]:
    """Orders placed in [since, until) per channel and state: count and totals (rupiah), one statement."""
    return await tenant.scoped(Order).select(
        Order.channel, Order.state, Count(Order.id, alias="orders"), Sum(Order.total, alias="total"),
        Sum(Order.shipping_fee, alias="shipping")).where(
        (Order.placed_at >= since) & (Order.placed_at < until)).group_by(Order.channel, Order.state)
