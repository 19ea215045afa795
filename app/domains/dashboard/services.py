"""The figures on the dashboard: what needs doing now, and orders per day per channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from app.core.clock import to_local, utcnow
from app.core.tenancy import Tenant
from app.domains.inventory import low_stock_count_sql
from app.domains.jobs import JobRow
from app.domains.jobs import recent as recent_jobs
from app.domains.listings import unmapped_count_sql
from app.domains.orders import placed_per_day, work_counts
from app.domains.stores import StoreView, list_stores

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
    recent_jobs: list[JobRow] = field(default_factory=list)

    @property
    def chart_max(self) -> int:
        return max([bar.total for bar in self.chart] + [1])


async def orders_per_day(tenant: Tenant, days: int = CHART_DAYS) -> list[DayBar]:
    """Orders placed per local day and channel over the last `days` days, grouped in SQL."""
    now_local = to_local(utcnow(), tenant.timezone)
    start_local = (now_local - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    since = start_local.astimezone(utcnow().tzinfo)
    offset = now_local.utcoffset()
    assert offset is not None, "now_local is aware"
    rows = await placed_per_day(tenant, since, int(offset.total_seconds() // 3600))
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r.day, {})[r.channel] = r.n
    bars = []
    for i in range(days):
        day = (start_local + timedelta(days=i)).date()
        bars.append(DayBar(day.isoformat(), day.strftime("%d/%m"), counts.get(day.isoformat(), {})))
    return bars


async def summary(tenant: Tenant) -> Summary:
    """Counts and recent activity of one organisation: four statements, one after the other on
    the request's turn at the pool (side by side, fifty dashboards would queue four times as many
    requests for its twenty connections). The counts are one statement: each domain names its
    own count's SQL."""
    org = tenant.organization_id
    counts = await work_counts(tenant, low_stock=low_stock_count_sql(org), unmapped=unmapped_count_sql(org))
    members, to_ship, oversold = counts["members"], counts["to_ship"], counts["oversold"]
    low, unmapped = counts["low_stock"], counts["unmapped"]
    stores = await list_stores(tenant)
    chart = await orders_per_day(tenant)
    jobs = await recent_jobs(tenant, limit=5)
    channels = sorted({c for bar in chart for c in bar.by_channel})
    today = chart[-1].total if chart else 0
    return Summary(members, to_ship, oversold, low, unmapped, today, stores, chart, channels, jobs)
