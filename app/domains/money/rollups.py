"""Daily rollups: the money of an organisation's orders per local day x channel x store x variant.

A day is recomputed whole from its orders, their settlements and their cost of goods, and its rows
replaced in one transaction (``refresh_days``): doing it twice gives the same rows, and a full
``rebuild`` (the `storesync rollups rebuild` command) is the same computation over every day.
Orders that count are the paid, not cancelled ones, on the local day they were placed.

Order-level money (settlement lines; the platform's voucher while there is no settlement) is
spread over the order's lines in proportion to their value (price x quantity; by quantity when all
are free), largest remainder first, so that the lines' parts always add up to the order's whole.
Without a settlement an order counts its items at their selling price and no fees (``unsettled``
says how many such orders a row holds).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from app.core.clock import zone
from app.core.database import is_postgres, transaction
from app.core.redis import redis_client
from app.domains import accounts, orders
from app.domains.money.statuses import FeeKind
from app.domains.money.tables import DailyRollup, Settlement, SettlementLine
from app.settings import get_settings

# Settlement line kind -> rollup column.
COLUMN_OF: dict[str, str] = {
    FeeKind.ITEMS: "revenue", FeeKind.PLATFORM_VOUCHER: "revenue",
    FeeKind.COMMISSION: "commission", FeeKind.SERVICE_FEE: "service_fee",
    FeeKind.TRANSACTION_FEE: "transaction_fee", FeeKind.CAMPAIGN_FEE: "campaign_fee",
    FeeKind.AFFILIATE_COMMISSION: "affiliate_commission",
    FeeKind.SHIPPING_BUYER_PAID: "shipping", FeeKind.SHIPPING_ACTUAL: "shipping", FeeKind.SHIPPING_REBATE: "shipping",
    FeeKind.TAX: "tax", FeeKind.REFUND: "other", FeeKind.ADJUSTMENT: "other",
}
MONEY_COLUMNS = ("revenue", "commission", "service_fee", "transaction_fee", "campaign_fee", "affiliate_commission",
                 "shipping", "tax", "other")


def cost_of_goods(line: orders.SoldLine) -> int:
    """The cost of goods of one order line: fixed on the line when its stock left (ship), from the
    variant's moving-average unit cost; 0 while the line has not shipped or its cost is unknown.
    The one place the reports learn cost of goods."""
    return line.cost_of_goods or 0


@dataclass(slots=True)
class Row:
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

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


Key = tuple[date, str, int, int]  # (day, channel, store_id, variant_id)


def spread(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (all zero: equally), largest remainder first;
    the parts add up to ``total`` exactly (negative totals too)."""
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(weights)
    sign = -1 if total < 0 else 1
    amount = abs(total)
    parts = [amount * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for i in remainders[: amount - sum(parts)]:
        parts[i] += 1
    return [sign * p for p in parts]


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(zone(tz)).date()


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of a local day, in UTC."""
    start = datetime.combine(day, time.min, tzinfo=zone(tz))
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def compute(lines: Iterable[orders.SoldLine], settled: dict[int, tuple[bool, dict[str, int]]],
            tz: str) -> dict[Key, Row]:
    """Rollup rows of these order lines. ``settled``: {order id: (final, {kind: amount})}."""
    by_order: dict[int, list[orders.SoldLine]] = defaultdict(list)
    for line in lines:
        if line.state not in orders.NOT_SALES:
            by_order[line.order_id].append(line)
    rows: dict[Key, Row] = defaultdict(Row)
    for order_id, order_lines in by_order.items():
        first = order_lines[0]
        day = local_day(first.placed_at, tz)
        keys = [(day, line.channel, line.store_id or 0, line.variant_id or 0) for line in order_lines]
        values = [line.unit_price * line.quantity for line in order_lines]
        weights = values if any(values) else [line.quantity for line in order_lines]
        settlement = settled.get(order_id)
        if settlement is None:
            voucher = spread(first.order_platform_discount, weights)
            for key, value, extra in zip(keys, values, voucher, strict=True):
                rows[key].revenue += value + extra
        else:
            per_column: dict[str, int] = defaultdict(int)
            for kind, amount in settlement[1].items():
                per_column[COLUMN_OF.get(kind, "other")] += amount
            for column, amount in per_column.items():
                for key, part in zip(keys, spread(amount, weights), strict=True):
                    setattr(rows[key], column, getattr(rows[key], column) + part)
        for key, line in zip(keys, order_lines, strict=True):
            rows[key].units += line.quantity
            rows[key].cogs += cost_of_goods(line)
        rows[keys[0]].orders += 1
        if settlement is None or not settlement[0]:
            rows[keys[0]].unsettled += 1
    return dict(rows)


async def settled_amounts(organization_id: int, order_ids: list[int]) -> dict[int, tuple[bool, dict[str, int]]]:
    """{order id: (final, {kind: amount})} of the settlements of these orders."""
    found: dict[int, tuple[bool, dict[str, int]]] = {}
    for start in range(0, len(order_ids), 5000):
        chunk = order_ids[start:start + 5000]
        rows = await SettlementLine.select(
            SettlementLine.settlement.order, SettlementLine.settlement.state, SettlementLine.kind,
            SettlementLine.amount).where((SettlementLine.organization == organization_id)
                                         & SettlementLine.settlement.order.is_in(chunk))
        for r in rows:
            final, kinds = found.setdefault(r["settlement.order"], (r["settlement.state"] == "final", {}))
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + r["amount"]
        # a settlement without lines (amount 0) still counts as settled
        for r in await Settlement.select(Settlement.order, Settlement.state).where(
                (Settlement.organization == organization_id) & Settlement.order.is_in(chunk)):
            found.setdefault(r["order"], (r["state"] == "final", {}))
    return found


async def _lock_day(organization_id: int, day: date) -> None:
    """PostgreSQL: one refresh of a day at a time (SQLite's write transaction serialises them)."""
    if is_postgres():
        await DailyRollup.raw("SELECT pg_advisory_xact_lock({}, {})", 4714,
                              zlib.crc32(f"{organization_id}:{day.isoformat()}".encode()) & 0x7FFFFFFF)


async def refresh_days(organization_id: int, days: Iterable[date], tz: str | None = None) -> int:
    """Recompute these local days' rollup rows of the organisation from scratch; rows written."""
    tz = tz or await accounts.organization_timezone(organization_id)
    written = 0
    for day in sorted(set(days)):
        start, end = day_bounds(day, tz)
        lines = await orders.sold_lines(organization_id, placed_from=start, placed_until=end)
        settled = await settled_amounts(organization_id, sorted({line.order_id for line in lines}))
        rows = compute(lines, settled, tz)
        async with transaction():
            await _lock_day(organization_id, day)
            await DailyRollup.delete().where((DailyRollup.organization == organization_id) & (DailyRollup.day == day))
            if rows:
                await DailyRollup.insert(*[
                    DailyRollup(organization=organization_id, day=key[0], channel=key[1], store_id=key[2],
                                variant_id=key[3], **row.as_dict())  # type: ignore[arg-type]
                    for key, row in sorted(rows.items())])
        written += len(rows)
    return written


async def refresh_orders(organization_id: int, order_ids: Sequence[int]) -> int:
    """Recompute the days these orders were placed on (after they or their settlements changed)."""
    tz = await accounts.organization_timezone(organization_id)
    placed = await orders.placed_times(organization_id, sorted(set(order_ids)))
    return await refresh_days(organization_id, {local_day(p, tz) for p in placed.values()}, tz)


def dirty_prefix() -> str:
    """What every organisation's set of waiting order ids is named with (per queue, so that test and
    bench runs sharing a Redis keep apart)."""
    return f"{get_settings().queue_name}:rollups-dirty:"


def dirty_key(organization_id: int) -> str:
    """The Redis set of order ids whose days' rollups wait for a refresh."""
    return f"{dirty_prefix()}{organization_id}"


async def refresh_pending(organization_id: int, order_ids: Sequence[int] = ()) -> int:
    """Recompute the days of these orders and of every order waiting in the organisation's set,
    until the set stays empty (ids are removed only once their days are written: a crash leaves
    them for the retry); rows written."""
    redis = redis_client()
    key = dirty_key(organization_id)
    written = 0
    wanted = {int(i) for i in order_ids}
    while True:
        waiting = await redis.smembers(key)  # type: ignore[misc]  # redis-py types it "awaitable or value"
        wanted |= {int(i) for i in waiting}
        if not wanted:
            return written
        written += await refresh_orders(organization_id, sorted(wanted))
        if waiting:
            await redis.srem(key, *waiting)  # type: ignore[misc]  # as above
        wanted = set()


async def rebuild_rollups(organization_id: int) -> int:
    """Every day of the organisation recomputed from its orders (the rows of days without orders go)."""
    tz = await accounts.organization_timezone(organization_id)
    first, last = await orders.placed_range(organization_id)
    days: set[date] = {r["day"] if isinstance(r["day"], date) else date.fromisoformat(str(r["day"])[:10])
                       for r in await DailyRollup.select(DailyRollup.day).where(
                           DailyRollup.organization == organization_id).distinct()}
    if first is not None and last is not None:
        day = local_day(first, tz)
        while day <= local_day(last, tz):
            days.add(day)
            day += timedelta(days=1)
    return await refresh_days(organization_id, days, tz)

