"""Marketplace settlements: what each platform pays for an order, fee by fee.

``settle_store`` is the job of one store: it asks the marketplace (outside any transaction) for the
settlements of the store's orders that are not final yet and of every order paid out since its
watermark, then records them in one transaction. Recording is idempotent: the same answer twice
changes nothing. A settlement of an order StoreSync does not know is kept (``order`` empty) and
listed as unmatched; it is matched when the order arrives. A currency other than IDR is refused
with a message on the store, and nothing of that settlement is written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders, stores
from app.domains.money.statuses import FeeKind, SettlementState
from app.domains.money.tables import Settlement, SettlementLine, SettlementWatermark
from app.integrations.base import Settlement as PlatformSettlement

log = logging.getLogger(__name__)

CURRENCY = "IDR"
OPEN_WINDOW = timedelta(days=60)  # orders placed this long ago may still change their settlement
FIRST_RELEASES = timedelta(days=14)
OVERLAP = timedelta(hours=1)


@dataclass(slots=True)
class SettleReport:
    asked: int = 0
    recorded: int = 0
    unchanged: int = 0
    unmatched: int = 0
    refused: list[str] = field(default_factory=list)
    changed_orders: list[int] = field(default_factory=list)


def currency_refusal(order_number: str, currency: str) -> str:
    return _("The settlement of order %(number)s is in %(currency)s; StoreSync keeps money in rupiah (IDR) "
             "only, so it was not recorded.", number=order_number, currency=currency)


async def record_settlements(tenant: Tenant, store_id: int, answers: Sequence[PlatformSettlement],
                             *, report: SettleReport | None = None, now: datetime | None = None,
                             released: set[str] | frozenset[str] = frozenset()) -> SettleReport:
    """Write what the platform answered, in one transaction; unchanged settlements are left as they
    are. Final: the platform says so, or (when it does not say) it listed the order as paid out
    (``released``) or the order is completed."""
    report = report or SettleReport()
    moment = now or utcnow()
    accepted = []
    for answer in answers:
        if answer.currency.upper() != CURRENCY:
            report.refused.append(currency_refusal(answer.order_id, answer.currency))
        else:
            accepted.append(answer)
    known = await orders.store_orders(tenant, store_id, numbers=[a.order_id for a in accepted])
    async with transaction():
        existing = {r["platform_order_id"]: r for r in await tenant.scoped(Settlement).select(
            Settlement.id, Settlement.platform_order_id, Settlement.order, Settlement.amount, Settlement.state,
        ).where((Settlement.store == store_id) & Settlement.platform_order_id.is_in(
            [a.order_id for a in accepted] or ["-"]))}
        old_lines: dict[int, dict[str, int]] = {}
        if existing:
            for row in await tenant.scoped(SettlementLine).select(
                    SettlementLine.settlement, SettlementLine.kind, SettlementLine.amount).where(
                    SettlementLine.settlement.is_in([r["id"] for r in existing.values()])):
                old_lines.setdefault(row["settlement"], {})[row["kind"]] = row["amount"]
        for answer in accepted:
            order_id, state = known.get(answer.order_id, (None, ""))
            final = answer.final if answer.final is not None else (
                answer.order_id in released or state == orders.OrderState.COMPLETED)
            target = SettlementState.FINAL if final else SettlementState.ESTIMATED
            lines = {FeeKind(line.kind.value).value: line.amount for line in answer.lines}
            row = existing.get(answer.order_id)
            if order_id is None:
                report.unmatched += 1
            if row is not None and row["order"] == order_id and row["amount"] == answer.amount \
                    and row["state"] == target and old_lines.get(row["id"], {}) == lines:
                report.unchanged += 1
                continue
            values: dict[Any, Any] = {Settlement.order: order_id, Settlement.currency: CURRENCY,
                                      Settlement.amount: answer.amount, Settlement.state: target,
                                      Settlement.updated_at: moment,
                                      Settlement.settled_at: (answer.settled_at or moment) if final else None}
            if row is None:
                settlement = tenant.scoped(Settlement).new(store=store_id, platform_order_id=answer.order_id,
                                                           **{column._meta.name: v for column, v in values.items()})
                await settlement.save()
                settlement_id = settlement.id
            else:
                settlement_id = row["id"]
                await tenant.scoped(Settlement).update(values).where(Settlement.id == settlement_id)
                await tenant.scoped(SettlementLine).delete().where(SettlementLine.settlement == settlement_id)
            if lines:
                await SettlementLine.insert(*[SettlementLine(organization=tenant.organization_id,
                                                             settlement=settlement_id, kind=kind, amount=amount)
                                              for kind, amount in lines.items()])
            report.recorded += 1
            if order_id is not None:
                report.changed_orders.append(order_id)
    return report


async def settle_store(tenant: Tenant, store_id: int, *, order_ids: Sequence[int] = (),
                       now: datetime | None = None) -> SettleReport:
    """The settlement job of one store: ask the marketplace, then record (see the module)."""
    moment = now or utcnow()
    store = await stores.get_store(tenant, store_id)
    open_orders = await orders.store_orders(tenant, store_id, open_since=moment - OPEN_WINDOW)
    finals = {r["platform_order_id"] for r in await tenant.scoped(Settlement).select(
        Settlement.platform_order_id).where((Settlement.store == store_id) & (Settlement.state == SettlementState.FINAL)
                                            & Settlement.order.is_not_null())}
    wanted = {number for number, (order_id, _state) in open_orders.items()
              if number not in finals or order_id in order_ids}
    mark = await tenant.scoped(SettlementWatermark).select().where(SettlementWatermark.store == store_id).first()
    since = (mark["settled_until"] - OVERLAP) if mark and mark["settled_until"] else moment - FIRST_RELEASES
    async with stores.open_adapter(store.platform) as adapter:
        conn = stores.connection_for(tenant, store, adapter)
        # a minute past now: the platform's clock may run ahead of ours (the watermark overlaps anyway)
        released = {number async for number in adapter.settled_orders(conn, since, moment + timedelta(minutes=1))}
        wanted |= released - finals
        answers = await adapter.get_settlements(conn, sorted(wanted))
    report = SettleReport(asked=len(wanted))
    await record_settlements(tenant, store_id, answers, report=report, now=moment, released=released)
    if report.refused:
        await stores.record_problem(tenant, store_id, report.refused[0])
        log.warning("store %s: %d settlements refused (currency)", store_id, len(report.refused))
    async with transaction():
        if mark:
            await tenant.scoped(SettlementWatermark).update({SettlementWatermark.settled_until: moment}).where(
                SettlementWatermark.store == store_id)
        else:
            await tenant.scoped(SettlementWatermark).new(store=store_id, settled_until=moment).save()
    if report.changed_orders:
        from app.domains.money.rollups import refresh_orders

        await refresh_orders(tenant.organization_id, report.changed_orders)
    return report


@dataclass(frozen=True, slots=True)
class SettlementView:
    id: int
    store_id: int
    order_id: int | None
    number: str
    amount: int
    state: str
    settled_at: datetime | None
    updated_at: datetime
    lines: tuple[tuple[str, int], ...] = ()


async def order_settlement(tenant: Tenant, order_id: int) -> SettlementView | None:
    """The settlement of one order with its lines (largest first), or None while none is known."""
    row = await tenant.scoped(Settlement).select(
        Settlement.id, Settlement.store, Settlement.order, Settlement.platform_order_id, Settlement.amount,
        Settlement.state, Settlement.settled_at, Settlement.updated_at).where(Settlement.order == order_id).first()
    if row is None:
        return None
    lines = await tenant.scoped(SettlementLine).select(SettlementLine.kind, SettlementLine.amount).where(
        SettlementLine.settlement == row["id"])
    order = [k.value for k in FeeKind]
    ordered = sorted(((r["kind"], r["amount"]) for r in lines),
                     key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return _view(row, tuple(ordered))


def _view(row: dict, lines: tuple[tuple[str, int], ...] = ()) -> SettlementView:
    return SettlementView(id=row["id"], store_id=row["store"], order_id=row["order"], number=row["platform_order_id"],
                          amount=row["amount"], state=row["state"], settled_at=row["settled_at"],
                          updated_at=row["updated_at"], lines=lines)


async def store_settlements(tenant: Tenant, store_id: int, *, limit: int = 20) -> dict[str, Any]:
    """A store's settlements: the latest final ones, what was received in total, and the unmatched."""
    columns = (Settlement.id, Settlement.store, Settlement.order, Settlement.platform_order_id, Settlement.amount,
               Settlement.state, Settlement.settled_at, Settlement.updated_at)
    scoped = tenant.scoped(Settlement)
    received = await scoped.select(*columns).where(
        (Settlement.store == store_id) & (Settlement.state == SettlementState.FINAL)).order_by(
        Settlement.settled_at, ascending=False).limit(limit)
    unmatched = await scoped.select(*columns).where(
        (Settlement.store == store_id) & Settlement.order.is_null()).order_by(Settlement.id, ascending=False).limit(limit)
    totals = await Settlement.raw(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM settlement "
        "WHERE organization = {} AND store = {} AND state = {}",
        tenant.organization_id, store_id, SettlementState.FINAL.value)
    return {"received": [_view(r) for r in received], "unmatched": [_view(r) for r in unmatched],
            "received_count": int(totals[0]["n"]), "received_total": int(totals[0]["total"])}


async def unmatched_settlements(tenant: Tenant, *, limit: int = 200) -> list[SettlementView]:
    rows = await tenant.scoped(Settlement).select(
        Settlement.id, Settlement.store, Settlement.order, Settlement.platform_order_id, Settlement.amount,
        Settlement.state, Settlement.settled_at, Settlement.updated_at).where(Settlement.order.is_null()).order_by(
        Settlement.id, ascending=False).limit(limit)
    return [_view(r) for r in rows]
