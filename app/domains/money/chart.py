"""Sales per day per channel as an inline SVG line chart (no JavaScript, no CDN): one line per
channel over the period's days, scaled to the largest day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domains.money.reports import DaySales, Period

WIDTH, HEIGHT, PAD = 600, 200, 8
COLOURS = {"shopee": "#ee4d2d", "tiktok": "#111111", "lazada": "#0f146d", "website": "#2563eb", "manual": "#16a34a"}


@dataclass(frozen=True, slots=True)
class Line:
    channel: str
    colour: str
    points: str  # "x,y x,y ..." for <polyline>
    total: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    peak: int
    first: date
    last: date


def sales_chart(period: Period, days: list[DaySales]) -> Chart:
    count = period.days
    by_channel: dict[str, dict[date, int]] = {}
    for d in days:
        by_channel.setdefault(d.channel, {})[d.day] = by_channel.get(d.channel, {}).get(d.day, 0) + d.revenue
    peak = max((v for values in by_channel.values() for v in values.values()), default=0)
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    lines = []
    for channel in sorted(by_channel):
        values = by_channel[channel]
        points = []
        for i in range(count):
            day = period.first + timedelta(days=i)
            value = values.get(day, 0)
            y = HEIGHT - PAD - (value / peak * (HEIGHT - 2 * PAD) if peak > 0 else 0)
            points.append(f"{PAD + i * step:.1f},{y:.1f}")
        lines.append(Line(channel, COLOURS.get(channel, "#6b7280"), " ".join(points), sum(values.values())))
    return Chart(WIDTH, HEIGHT, lines, peak, period.first, period.last)
