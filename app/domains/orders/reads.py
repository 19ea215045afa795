"""What other domains read of the orders' tables, as functions (they never query them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from piccolo.query.functions.aggregate import Count, Sum

from app.core.database import is_postgres
from app.core.tenancy import Tenant
from app.domains.orders.statuses import OrderState
from app.domains.orders.tables import Order


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
