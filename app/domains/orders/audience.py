"""Customers chosen by filters (a marketing segment's audience), counted or listed in one SQL
statement over the organisation's orders, on both engines.

A customer here is a phone number, else an e-mail address (the orders' own key; the customer list
additionally merges a phone and an address seen on the same order). Cancelled orders do not count.
The channel, city and product filters choose the orders; spend, order count, first and last order
are then summed over those orders per customer, and the remaining filters choose customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains.orders.tables import Order

# RFM groups: (at least n orders, last order within / older than days, first order within days)
RFM_RECENT_DAYS = 90
RFM_NEW_DAYS = 30


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    channel: str = ""
    city: str = ""
    min_spend: int | None = None
    max_spend: int | None = None
    min_orders: int | None = None
    max_orders: int | None = None
    ordered_within_days: int | None = None  # last order at most this many days ago
    not_ordered_for_days: int | None = None  # last order at least this many days ago
    product_id: int | None = None
    min_year_spend: int | None = None  # a loyalty tier: spend over the last 365 days
    max_year_spend: int | None = None
    rfm: str = ""  # loyal, at_risk or new


def _query(tenant: Tenant, f: CustomerFilter, now: datetime, select: str) -> tuple[str, list[Any]]:
    args: list[Any] = [tenant.organization_id]
    key = "CASE WHEN customer_phone <> '' THEN customer_phone ELSE customer_email END"
    where = ["organization = {}", "state <> 'cancelled'", "(customer_phone <> '' OR customer_email <> '')"]
    if f.channel:
        where.append("channel = {}")
        args.append(f.channel)
    if f.city:
        where.append("LOWER(CAST(address AS TEXT)) LIKE {}")
        args.append(f"%{f.city.lower().replace('%', '').replace('_', '')}%")
    if f.product_id is not None:
        where.append('id IN (SELECT ol."order" FROM order_line ol JOIN variant v ON v.id = ol.variant '
                     "WHERE ol.organization = {} AND v.product = {})")
        args += [tenant.organization_id, f.product_id]
    having: list[str] = []
    year_ago = now - timedelta(days=365)

    def bound(expression: str, op: str, value: Any) -> None:
        having.append(f"{expression} {op} {{}}")
        args_having.append(value)

    args_having: list[Any] = []
    if f.min_spend is not None:
        bound("SUM(total)", ">=", f.min_spend)
    if f.max_spend is not None:
        bound("SUM(total)", "<=", f.max_spend)
    if f.min_orders is not None:
        bound("COUNT(*)", ">=", f.min_orders)
    if f.max_orders is not None:
        bound("COUNT(*)", "<=", f.max_orders)
    if f.ordered_within_days is not None:
        bound("MAX(placed_at)", ">=", now - timedelta(days=f.ordered_within_days))
    if f.not_ordered_for_days is not None:
        bound("MAX(placed_at)", "<", now - timedelta(days=f.not_ordered_for_days))
    year_spend = "SUM(CASE WHEN placed_at >= {} THEN total ELSE 0 END)"
    if f.min_year_spend is not None:
        having.append(f"{year_spend} >= {{}}")
        args_having += [year_ago, f.min_year_spend]
    if f.max_year_spend is not None:
        having.append(f"{year_spend} < {{}}")
        args_having += [year_ago, f.max_year_spend]
    recent = now - timedelta(days=RFM_RECENT_DAYS)
    if f.rfm == "loyal":
        bound("COUNT(*)", ">=", 3)
        bound("MAX(placed_at)", ">=", recent)
    elif f.rfm == "at_risk":
        bound("COUNT(*)", ">=", 2)
        bound("MAX(placed_at)", "<", recent)
    elif f.rfm == "new":
        bound("MIN(placed_at)", ">=", now - timedelta(days=RFM_NEW_DAYS))
    sql = (f'SELECT {key} AS customer FROM "order" WHERE {" AND ".join(where)} GROUP BY {key}'
           + (f" HAVING {' AND '.join(having)}" if having else ""))
    return select.format(inner=sql), args + args_having


async def count_customers(tenant: Tenant, f: CustomerFilter, now: datetime | None = None) -> int:
    """How many customers the filter chooses."""
    sql, args = _query(tenant, f, now or utcnow(), "SELECT COUNT(*) AS n FROM ({inner}) chosen")
    rows = await Order.raw(sql, *args)
    return int(rows[0]["n"]) if rows else 0


async def chosen_customers(tenant: Tenant, f: CustomerFilter, now: datetime | None = None,
                           limit: int = 100_000) -> list[str]:
    """The keys (phone number, else e-mail address) of the customers the filter chooses."""
    sql, args = _query(tenant, f, now or utcnow(), "SELECT customer FROM ({inner}) chosen ORDER BY customer")
    rows = await Order.raw(sql + f" LIMIT {int(limit)}", *args)
    return [r["customer"] for r in rows]


async def chooses_any(tenant: Tenant, f: CustomerFilter, keys: list[str], now: datetime | None = None) -> bool:
    """Whether the filter chooses any of these customer keys (a checkout's phone number and e-mail address)."""
    wanted = [k for k in dict.fromkeys(keys) if k]
    if not wanted:
        return False
    marks = ", ".join("{{}}" for _k in wanted)  # {} once _query has formatted the outer statement
    sql, args = _query(tenant, f, now or utcnow(), "SELECT 1 AS hit FROM ({inner}) chosen WHERE customer IN ("
                       + marks + ") LIMIT 1")
    return bool(await Order.raw(sql, *args, *wanted))
