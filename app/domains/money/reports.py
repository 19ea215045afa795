"""The reports, read from the daily rollups (money.rollups) and the seller's expenses.

Every report takes a ``Period``: local days [first, last] in the organisation's zone and an
optional store or channel. Profit = revenue + fees + shipping + tax + other (fees, courier costs and
taxes are negative) - cost of goods - expenses. Expenses count when no store or channel is chosen,
or, with a store chosen, those entered for that store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.core.clock import utcnow
from app.core.database import is_postgres
from app.core.tenancy import Tenant
from app.domains import catalog, inventory, orders, stores
from app.domains.money import rollups
from app.domains.money.statuses import PLATFORM_FEES, ExpenseKind
from app.domains.money.tables import DailyRollup, Expense

SUMMED = ("orders", "units", "revenue", "commission", "service_fee", "transaction_fee", "campaign_fee",
          "affiliate_commission", "shipping", "tax", "other", "cogs", "unsettled")
FEE_COLUMNS = tuple(kind.value for kind in PLATFORM_FEES)
MAX_ORDER_DAYS = 31  # profit per order reads the orders themselves: at most a month at a time


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date
    store_id: int | None = None
    channel: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _day(value: date) -> Any:
    return value if is_postgres() else value.isoformat()


def _where(tenant: Tenant, period: Period) -> tuple[str, list[Any]]:
    sql = "organization = {} AND day >= {} AND day <= {}"
    args: list[Any] = [tenant.organization_id, _day(period.first), _day(period.last)]
    if period.store_id is not None:
        sql += " AND store_id = {}"
        args.append(period.store_id)
    if period.channel:
        sql += " AND channel = {}"
        args.append(period.channel)
    return sql, args


def _sums() -> str:
    return ", ".join(f"COALESCE(SUM({c}), 0) AS {c}" for c in SUMMED)


@dataclass(slots=True)
class Figures:
    """Money of a group of orders (a period, a SKU, a store ...); fees etc. signed as in rollups."""

    orders: int = 0
    units: int = 0
    revenue: int = 0
    commission: int = 0
    service_fee: int = 0
    transaction_fee: int = 0
    campaign_fee: int = 0
    affiliate_commission: int = 0
    shipping: int = 0
    tax: int = 0
    other: int = 0
    cogs: int = 0
    unsettled: int = 0
    expenses: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Figures:
        return cls(**{c: int(row.get(c) or 0) for c in SUMMED})

    @property
    def fees(self) -> int:
        """Platform fees taken (a positive number)."""
        return -sum(getattr(self, c) for c in FEE_COLUMNS)

    @property
    def profit(self) -> int:
        return (self.revenue - self.fees + self.shipping + self.tax + self.other - self.cogs - self.expenses)

    @property
    def margin(self) -> Decimal | None:
        """Profit as a percentage of revenue, one decimal; None without revenue."""
        if not self.revenue:
            return None
        return (Decimal(self.profit * 100) / Decimal(self.revenue)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(slots=True)
class ProfitAndLoss:
    period: Period
    figures: Figures
    fees_by_kind: dict[str, int]  # positive amounts per fee kind
    expenses_by_kind: dict[str, int] = field(default_factory=dict)


async def profit_and_loss(tenant: Tenant, period: Period) -> ProfitAndLoss:
    """The P&L of a period: one statement over the rollups, one over the expenses."""
    where, args = _where(tenant, period)
    row = (await DailyRollup.raw(f"SELECT {_sums()} FROM daily_rollup WHERE {where}", *args))[0]
    figures = Figures.of(row)
    expenses = await expenses_by_kind(tenant, period)
    figures.expenses = sum(expenses.values())
    return ProfitAndLoss(period, figures, {c: -getattr(figures, c) for c in FEE_COLUMNS}, expenses)


async def expenses_by_kind(tenant: Tenant, period: Period) -> dict[str, int]:
    if period.channel and period.store_id is None:
        return {}
    query = tenant.scoped(Expense).select(Expense.kind, Expense.amount).where(
        (Expense.spent_on >= period.first) & (Expense.spent_on <= period.last))
    if period.store_id is not None:
        query = query.where(Expense.store == period.store_id)
    totals: dict[str, int] = defaultdict(int)
    for r in await query:
        totals[r["kind"]] += r["amount"]
    return {k.value: totals[k.value] for k in ExpenseKind if totals.get(k.value)}


@dataclass(frozen=True, slots=True)
class Group:
    key: Any
    name: str
    figures: Figures


async def profit_by_sku(tenant: Tenant, period: Period) -> list[Group]:
    """Per variant (unmapped lines together), most revenue first."""
    where, args = _where(tenant, period)
    rows = await DailyRollup.raw(f"SELECT variant_id, {_sums()} FROM daily_rollup WHERE {where} "
                                 "GROUP BY variant_id ORDER BY revenue DESC, variant_id", *args)
    skus = await catalog.variant_skus(tenant, [r["variant_id"] for r in rows if r["variant_id"]])
    return [Group(r["variant_id"], skus.get(r["variant_id"], "") or "—", Figures.of(r)) for r in rows]


async def profit_by_store(tenant: Tenant, period: Period) -> list[Group]:
    """Per channel and store (website and manual orders as their channel)."""
    where, args = _where(tenant, period)
    rows = await DailyRollup.raw(f"SELECT channel, store_id, {_sums()} FROM daily_rollup WHERE {where} "
                                 "GROUP BY channel, store_id ORDER BY revenue DESC, channel, store_id", *args)
    names = await stores.store_names(tenant, [r["store_id"] for r in rows if r["store_id"]])
    return [Group((r["channel"], r["store_id"]), names.get(r["store_id"], ""), Figures.of(r)) for r in rows]


@dataclass(frozen=True, slots=True)
class DaySales:
    day: date
    channel: str
    orders: int
    revenue: int


async def sales_per_day(tenant: Tenant, period: Period) -> list[DaySales]:
    where, args = _where(tenant, period)
    rows = await DailyRollup.raw(
        f"SELECT day, channel, COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(revenue), 0) AS revenue "
        f"FROM daily_rollup WHERE {where} GROUP BY day, channel ORDER BY day, channel", *args)
    return [DaySales(_as_date(r["day"]), r["channel"], int(r["orders"]), int(r["revenue"])) for r in rows]


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def top_and_worst(tenant: Tenant, period: Period, n: int = 10) -> tuple[list[Group], list[Group]]:
    """The n products making the most profit, and the n making the least (losses first)."""
    groups = [g for g in await profit_by_sku(tenant, period) if g.key]
    by_profit = sorted(groups, key=lambda g: (-g.figures.profit, g.name))
    return by_profit[:n], sorted(groups, key=lambda g: (g.figures.profit, g.name))[:n]


@dataclass(frozen=True, slots=True)
class OrderProfit:
    order_id: int
    figures: Figures


async def profit_by_order(tenant: Tenant, period: Period, *, limit: int = 500) -> list[OrderProfit]:
    """Per order placed in the period (at most MAX_ORDER_DAYS days from ``period.first``), newest
    first; computed from the orders and settlements the way the rollups are."""
    last = min(period.last, period.first + timedelta(days=MAX_ORDER_DAYS - 1))
    tz = tenant.timezone
    start, _ = rollups.day_bounds(period.first, tz)
    _, end = rollups.day_bounds(last, tz)
    lines = await orders.sold_lines(tenant.organization_id, placed_from=start, placed_until=end)
    lines = [line for line in lines if (period.store_id is None or line.store_id == period.store_id)
             and (not period.channel or line.channel == period.channel)]
    settled = await rollups.settled_amounts(tenant.organization_id, sorted({line.order_id for line in lines}))
    by_order: dict[int, list[orders.SoldLine]] = defaultdict(list)
    for line in lines:
        by_order[line.order_id].append(line)
    result = []
    for order_id in sorted(by_order, reverse=True)[:limit]:
        rows = rollups.compute(by_order[order_id], settled, tz)
        if rows:
            total = Figures()
            for row in rows.values():
                for name, value in row.as_dict().items():
                    setattr(total, name, getattr(total, name) + value)
            result.append(OrderProfit(order_id, total))
    return result


@dataclass(frozen=True, slots=True)
class LocationValue:
    location_id: int
    name: str
    units: int
    value: int  # on hand x moving-average unit cost, for units whose cost is known
    units_without_cost: int


async def inventory_valuation(tenant: Tenant) -> list[LocationValue]:
    """Stock on hand now, valued at each variant's moving-average unit cost, per location."""
    held = await inventory.stock_holdings(tenant)
    costs = await catalog.unit_costs(tenant, sorted({h.variant_id for h in held}))
    names = await inventory.location_names(tenant, sorted({h.location_id for h in held}))
    per: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for h in held:
        entry = per[h.location_id]
        entry[0] += h.on_hand
        cost = costs.get(h.variant_id)
        if cost is None:
            entry[2] += h.on_hand
        else:
            entry[1] += h.on_hand * cost
    return [LocationValue(loc, names.get(loc, str(loc)), u, v, n) for loc, (u, v, n) in sorted(per.items())]


@dataclass(frozen=True, slots=True)
class SlowMover:
    variant_id: int
    sku: str
    on_hand: int
    sold: int
    days_of_cover: int | None  # None: nothing sold in the period
    age_days: int | None  # days since units last came in (None: never recorded)
    value: int | None


async def slow_movers(tenant: Tenant, period: Period, *, now: datetime | None = None,
                      limit: int = 200) -> list[SlowMover]:
    """Variants with stock on hand, slowest first: fewest sold in the period, then oldest stock."""
    held = await inventory.stock_holdings(tenant)
    on_hand: dict[int, int] = defaultdict(int)
    for h in held:
        on_hand[h.variant_id] += h.on_hand
    if not on_hand:
        return []
    where, args = _where(tenant, period)
    sold = {r["variant_id"]: int(r["units"]) for r in await DailyRollup.raw(
        f"SELECT variant_id, COALESCE(SUM(units), 0) AS units FROM daily_rollup WHERE {where} GROUP BY variant_id",
        *args)}
    ids = sorted(on_hand)
    costs = await catalog.unit_costs(tenant, ids)
    skus = await catalog.variant_skus(tenant, ids)
    received = await inventory.last_received(tenant, ids)
    moment = now or utcnow()
    rows = []
    for variant_id in ids:
        units = sold.get(variant_id, 0)
        cover = round(on_hand[variant_id] / (units / period.days)) if units else None
        came = received.get(variant_id)
        cost = costs.get(variant_id)
        rows.append(SlowMover(variant_id, skus.get(variant_id, str(variant_id)), on_hand[variant_id], units, cover,
                              (moment - came).days if came else None,
                              on_hand[variant_id] * cost if cost is not None else None))
    rows.sort(key=lambda r: (r.sold, -(r.age_days or 0), r.sku))
    return rows[:limit]
