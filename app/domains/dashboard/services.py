"""The figures on the dashboard: what needs doing now, and orders per day per channel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from app.core.clock import to_local, utcnow
from app.core.database import is_postgres
from app.core.tenancy import Tenant
from app.domains.inventory.overview import low_stock_count
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.services import unmapped_count
from app.domains.orders.statuses import OrderState
from app.domains.orders.tables import Order
from app.domains.stores.services import StoreView, list_stores

CHART_DAYS = 14


@dataclass(slots=True)
class DayBar:
    day: str  # local date, ISO
    label: str  # "25/11"
    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


@dataclass(slots=True)
class Summary:
    members: int
    to_ship: int
    oversold: int
    low_stock: int
    unmapped: int
    orders_today: int
    stores: list[StoreView] = field(default_factory=list)
    chart: list[DayBar] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    recent_jobs: list[BackgroundJob] = field(default_factory=list)

    @property
    def chart_max(self) -> int:
        return max([bar.total for bar in self.chart] + [1])


async def orders_per_day(tenant: Tenant, days: int = CHART_DAYS) -> list[DayBar]:
    """Orders placed per local day and channel over the last `days` days, grouped in SQL."""
    now_local = to_local(utcnow(), tenant.timezone)
    start_local = (now_local - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    since = start_local.astimezone(utcnow().tzinfo)
    if is_postgres():
        rows = await Order.raw(
            'SELECT (placed_at AT TIME ZONE {})::date::text AS day, channel, COUNT(*) AS n FROM "order" '
            "WHERE organization = {} AND placed_at >= {} GROUP BY 1, 2", tenant.timezone, tenant.organization_id, since)
    else:
        offset = now_local.utcoffset()
        assert offset is not None, "now_local is aware"
        offset_hours = int(offset.total_seconds() // 3600)
        rows = await Order.raw(
            'SELECT date(placed_at, {}) AS day, channel, COUNT(*) AS n FROM "order" '
            "WHERE organization = {} AND placed_at >= {} GROUP BY 1, 2", f"{offset_hours:+d} hours",
            tenant.organization_id, since.isoformat())
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(str(r["day"])[:10], {})[r["channel"]] = int(r["n"])
    bars = []
    for i in range(days):
        day = (start_local + timedelta(days=i)).date()
        bars.append(DayBar(day.isoformat(), day.strftime("%d/%m"), counts.get(day.isoformat(), {})))
    return bars


async def _own_counts(tenant: Tenant) -> tuple[int, int, int]:
    """Members, orders to ship and oversold open orders in one statement (one pool connection, not three)."""
    org = tenant.organization_id
    row = (await Order.raw(
        "SELECT (SELECT COUNT(*) FROM membership WHERE organization = {}) AS members, "
        '(SELECT COUNT(*) FROM "order" WHERE organization = {} AND state IN ({}, {}, {})) AS to_ship, '
        '(SELECT COUNT(*) FROM "order" WHERE organization = {} AND oversold = true AND state <> {}) AS oversold',
        org, org, OrderState.READY_TO_SHIP.value, OrderState.PICKING.value, OrderState.PACKED.value,
        org, OrderState.CANCELLED.value))[0]
    return int(row["members"]), int(row["to_ship"]), int(row["oversold"])


async def summary(tenant: Tenant) -> Summary:
    """Counts and recent activity of one organisation (queries run side by side)."""
    ((members, to_ship, oversold), low, unmapped, stores, chart, jobs) = await asyncio.gather(
        _own_counts(tenant),
        low_stock_count(tenant),
        unmapped_count(tenant),
        list_stores(tenant),
        orders_per_day(tenant),
        tenant.scoped(BackgroundJob).objects().order_by(BackgroundJob.id, ascending=False).limit(5),
    )
    channels = sorted({c for bar in chart for c in bar.by_channel})
    today = chart[-1].total if chart else 0
    return Summary(members, to_ship, oversold, low, unmapped, today, stores, chart, channels, jobs)
