"""Each report as one table (columns with a kind, rows of values): the page renders it, the CSV and
XLSX exports write it. Labels are English msgids, translated where shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.i18n import N_, gettext
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.money import reports
from app.domains.money.reports import Figures, Period
from app.domains.money.statuses import ExpenseKind, FeeKind


@dataclass(frozen=True, slots=True)
class Column:
    label: str  # msgid
    kind: str = "money"  # money, int, text, percent, date


@dataclass(slots=True)
class ReportTable:
    name: str  # the route's short name: pnl, skus ...
    title: str  # msgid
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row, a page to open (or None)
    counts: set[int] = field(default_factory=set)  # rows whose values are counts, not money

    def kind(self, row: int, column: int) -> str:
        kind = self.columns[column].kind
        return "int" if kind == "money" and row in self.counts else kind

    def header(self) -> list[str]:
        return [gettext(c.label) for c in self.columns]

    def export_rows(self) -> list[list[Any]]:
        return [[None if v is None else (float(v) if c.kind == "percent" else v.isoformat() if c.kind == "date" else v)
                 for c, v in zip(self.columns, row, strict=True)] for row in self.rows]


FIGURE_COLUMNS = [Column(N_("Orders"), "int"), Column(N_("Units"), "int"), Column(N_("Revenue")),
                  Column(N_("Platform fees")), Column(N_("Shipping (net)")), Column(N_("Tax withheld")),
                  Column(N_("Cost of goods")), Column(N_("Profit")), Column(N_("Margin"), "percent")]


def figure_cells(f: Figures) -> list[Any]:
    return [f.orders, f.units, f.revenue, f.fees, f.shipping, -f.tax, f.cogs, f.profit, f.margin]


async def pnl_table(tenant: Tenant, period: Period) -> tuple[ReportTable, reports.ProfitAndLoss]:
    pnl = await reports.profit_and_loss(tenant, period)
    f = pnl.figures
    rows: list[list[Any]] = [[gettext(N_("Orders")), f.orders], [gettext(N_("Units sold")), f.units],
                             [gettext(N_("Revenue")), f.revenue]]
    rows += [[FeeKind(kind).label(), -amount] for kind, amount in pnl.fees_by_kind.items()]
    rows += [[gettext(N_("Shipping (net)")), f.shipping], [gettext(N_("Tax withheld")), f.tax],
             [gettext(N_("Refunds and adjustments")), f.other], [gettext(N_("Cost of goods")), -f.cogs]]
    rows += [[ExpenseKind(kind).label(), -amount] for kind, amount in pnl.expenses_by_kind.items()]
    rows += [[gettext(N_("Profit")), f.profit]]
    table = ReportTable("pnl", N_("Profit and loss"), [Column(N_("Line"), "text"), Column(N_("Amount"))], rows,
                        counts={0, 1})
    return table, pnl


def _channel_label(channel: str) -> str:
    try:
        return Channel(channel).label()
    except ValueError:
        return channel


async def skus_table(tenant: Tenant, period: Period) -> ReportTable:
    groups = await reports.profit_by_sku(tenant, period)
    table = ReportTable("skus", N_("Profit per SKU"), [Column(N_("SKU"), "text"), *FIGURE_COLUMNS])
    for g in groups:
        table.rows.append([g.name if g.key else gettext(N_("Not mapped to a product")), *figure_cells(g.figures)])
        table.links.append(None)
    return table


async def stores_table(tenant: Tenant, period: Period) -> ReportTable:
    groups = await reports.profit_by_store(tenant, period)
    table = ReportTable("stores", N_("Profit per store and channel"),
                        [Column(N_("Channel"), "text"), Column(N_("Store"), "text"), *FIGURE_COLUMNS])
    for g in groups:
        channel, store_id = g.key
        table.rows.append([_channel_label(channel), g.name or "—", *figure_cells(g.figures)])
        table.links.append(None)
    return table


async def orders_table(tenant: Tenant, period: Period) -> ReportTable:
    rows = await reports.profit_by_order(tenant, period)
    numbers = await orders.order_numbers(tenant, [r.order_id for r in rows])
    table = ReportTable("orders", N_("Profit per order"), [
        Column(N_("Order"), "text"), Column(N_("Units"), "int"), Column(N_("Revenue")), Column(N_("Platform fees")),
        Column(N_("Shipping (net)")), Column(N_("Cost of goods")), Column(N_("Profit")), Column(N_("Settled"), "text")])
    for r in rows:
        f = r.figures
        table.rows.append([numbers.get(r.order_id, str(r.order_id)), f.units, f.revenue, f.fees, f.shipping, f.cogs,
                           f.profit,
                           gettext(N_("estimated")) if f.unsettled else gettext(N_("final"))])
        table.links.append(f"/orders/{r.order_id}")
    return table


async def daily_table(tenant: Tenant, period: Period) -> tuple[ReportTable, list[reports.DaySales]]:
    days = await reports.sales_per_day(tenant, period)
    table = ReportTable("daily", N_("Sales per day"), [Column(N_("Day"), "date"), Column(N_("Channel"), "text"),
                                                       Column(N_("Orders"), "int"), Column(N_("Revenue"))])
    for d in days:
        table.rows.append([d.day, _channel_label(d.channel), d.orders, d.revenue])
        table.links.append(None)
    return table, days


async def products_table(tenant: Tenant, period: Period) -> ReportTable:
    top, worst = await reports.top_and_worst(tenant, period)
    table = ReportTable("products", N_("Top and worst products"),
                        [Column(N_("Rank"), "text"), Column(N_("SKU"), "text"), *FIGURE_COLUMNS])
    for label, groups in ((N_("Top"), top), (N_("Worst"), worst)):
        for index, g in enumerate(groups, 1):
            table.rows.append([f"{gettext(label)} {index}", g.name, *figure_cells(g.figures)])
            table.links.append(None)
    return table


async def valuation_table(tenant: Tenant, period: Period) -> ReportTable:
    rows = await reports.inventory_valuation(tenant)
    table = ReportTable("valuation", N_("Inventory value at cost"), [
        Column(N_("Location"), "text"), Column(N_("Units on hand"), "int"), Column(N_("Value at cost")),
        Column(N_("Units without a known cost"), "int")])
    for r in rows:
        table.rows.append([r.name, r.units, r.value, r.units_without_cost])
        table.links.append(None)
    if rows:
        table.rows.append([gettext(N_("Total")), sum(r.units for r in rows), sum(r.value for r in rows),
                           sum(r.units_without_cost for r in rows)])
        table.links.append(None)
    return table


async def slow_table(tenant: Tenant, period: Period) -> ReportTable:
    rows = await reports.slow_movers(tenant, period)
    table = ReportTable("slow", N_("Slow movers and stock age"), [
        Column(N_("SKU"), "text"), Column(N_("Units on hand"), "int"), Column(N_("Sold in period"), "int"),
        Column(N_("Days of cover"), "int"), Column(N_("Days since last received"), "int"),
        Column(N_("Value at cost"))])
    for r in rows:
        table.rows.append([r.sku, r.on_hand, r.sold, r.days_of_cover, r.age_days, r.value])
        table.links.append(None)
    return table
