"""Loyalty points. Completed orders of the channels the seller chooses earn points (a marketplace
order only when its buyer is known by a real phone number or e-mail address, not a masked one);
the buyer spends them as a discount at the website's checkout; tiers by spend over the last 365
days earn at their own rate; points expire after the programme's days.

Every change of a balance is a PointsLine and the balance moves in the same transaction by an
atomic conditional update (`balance + change >= 0`), so a balance is always the sum of its lines
and never negative. An order earns, redeems, is reversed and is refunded at most once (a unique
index on organisation, order, kind). Earned (and refunded) lines keep `remaining`: what of them is
not yet spent, taken back or expired, taken oldest first; the balance is also the sum of the
remainders, which is what expiry takes.

Rounding: points = floor(order total / rupiah per point × tier percent / 100); points spent are
worth points × point value rupiah, never more than what is left to pay (the points used are then
rounded down to whole points)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from piccolo.query import WhereRaw

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.marketing.tables import LoyaltySettings, PointsBalance, PointsLine

YEAR = timedelta(days=365)
EARNING = ("earn", "refund")  # lines with a remainder


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_spend: int
    earn_percent: int


@dataclass(frozen=True, slots=True)
class Programme:
    enabled: bool
    rupiah_per_point: int
    point_value: int
    channels: tuple[str, ...]
    expiry_days: int
    tiers: tuple[Tier, ...] = ()
    started_at: datetime | None = None

    def tier_for(self, spend: int) -> Tier | None:
        """The highest tier this year's spend reaches (None: the base rate)."""
        reached = [t for t in self.tiers if spend >= t.min_spend]
        return max(reached, key=lambda t: t.min_spend) if reached else None

    def points_for(self, total: int, tier: Tier | None) -> int:
        if total <= 0 or self.rupiah_per_point <= 0:
            return 0
        return total * (tier.earn_percent if tier else 100) // (self.rupiah_per_point * 100)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    kind: str
    points: int
    order: int | None
    order_number: str | None
    expires_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerPoints:
    balance: int
    tier: str
    spend: int
    lines: list[LedgerLine] = field(default_factory=list)


class PointsRefused(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__({"points": message})


def customer_of(phone: str, email: str) -> str:
    """Whose points an order's are: a real phone number, else a real e-mail address; '' for a masked buyer."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and "*" not in phone:
        return phone[:200]
    if email and "*" not in email and "@" in email:
        return email[:200]
    return ""


def _tiers(raw: Any) -> tuple[Tier, ...]:
    tiers = []
    for item in raw or []:
        try:
            tiers.append(Tier(str(item["name"]), int(item["min_spend"]), int(item["earn_percent"])))
        except (KeyError, TypeError, ValueError):
            continue
    return tuple(sorted(tiers, key=lambda t: t.min_spend))


async def programme(tenant: Tenant) -> Programme:
    """The organisation's loyalty programme (a disabled default when never set)."""
    row = await tenant.scoped(LoyaltySettings).select().output(load_json=True).first()
    if row is None:
        return Programme(False, 1000, 1, ("website", "manual"), 365)
    return Programme(row["enabled"], row["rupiah_per_point"], row["point_value"], tuple(row["channels"] or []),
                     row["expiry_days"], _tiers(row["tiers"]), row["started_at"])


async def save_programme(tenant: Tenant, values: dict[str, Any]) -> None:
    """Store the programme's settings (values: the LoyaltySettings columns by name)."""
    existing = await tenant.scoped(LoyaltySettings).select(LoyaltySettings.id, LoyaltySettings.enabled).first()
    if existing is None:
        await tenant.scoped(LoyaltySettings).new(**values, started_at=utcnow()).save()
        return
    changes = {getattr(LoyaltySettings, k): v for k, v in values.items()}
    if values.get("enabled") and not existing["enabled"]:
        changes[LoyaltySettings.started_at] = utcnow()  # orders before the (re)start earn nothing
    await tenant.scoped(LoyaltySettings).update(changes).where(LoyaltySettings.id == existing["id"])


async def balance_of(tenant: Tenant, customer: str) -> int:
    if not customer:
        return 0
    row = await tenant.scoped(PointsBalance).select(PointsBalance.balance).where(
        PointsBalance.customer == customer).first()
    return row["balance"] if row else 0


async def _move(tenant: Tenant, customer: str, points: int) -> int | None:
    """Add `points` (signed) to the balance if it stays >= 0; the new balance, or None (nothing changed)."""
    await PointsBalance.insert(PointsBalance(organization=tenant.organization_id, customer=customer, balance=0)
                               ).on_conflict(target=(PointsBalance.organization, PointsBalance.customer),
                                             action="DO NOTHING")
    moved = await tenant.scoped(PointsBalance).update({PointsBalance.balance: PointsBalance.balance + points}).where(
        (PointsBalance.customer == customer) & WhereRaw("balance + {} >= 0", points)).returning(PointsBalance.balance)
    return moved[0]["balance"] if moved else None


async def _consume(tenant: Tenant, customer: str, points: int, *, first_line: int | None = None) -> None:
    """Take `points` from the remainders of the customer's earning lines: `first_line` first, then oldest first."""
    rows = await tenant.scoped(PointsLine).select(PointsLine.id, PointsLine.remaining).where(
        (PointsLine.customer == customer) & PointsLine.kind.is_in(list(EARNING)) & (PointsLine.remaining > 0)
    ).order_by(PointsLine.id)
    rows.sort(key=lambda r: r["id"] != first_line)
    for row in rows:
        if points <= 0:
            break
        take = min(points, row["remaining"])
        await tenant.scoped(PointsLine).update({PointsLine.remaining: PointsLine.remaining - take}).where(
            PointsLine.id == row["id"])
        points -= take


async def _has_line(tenant: Tenant, order_id: int, kind: str) -> bool:
    return bool(await tenant.scoped(PointsLine).exists().where((PointsLine.order == order_id) & (PointsLine.kind == kind)))


async def earn(tenant: Tenant, order: dict[str, Any], prog: Programme, now: datetime | None = None) -> int:
    """Points for one completed order (once); returns the points earned."""
    customer = customer_of(order["customer_phone"], order["customer_email"])
    if not customer or await _has_line(tenant, order["id"], "earn"):
        return 0
    now = now or utcnow()
    spend = await orders.customer_spend(tenant, order["customer_phone"] if customer == order["customer_phone"] else "",
                                        order["customer_email"], now - YEAR)
    points = prog.points_for(order["total"], prog.tier_for(spend))
    if points <= 0:
        return 0
    async with transaction():
        await _move(tenant, customer, points)
        await PointsLine.insert(PointsLine(organization=tenant.organization_id, customer=customer, kind="earn",
                                           points=points, order=order["id"], remaining=points,
                                           expires_at=now + timedelta(days=prog.expiry_days)))
    return points


async def reverse(tenant: Tenant, order_id: int) -> int:
    """A cancelled or returned order takes back the points it earned (once), as many as the balance
    still holds; returns the points taken back."""
    line = await tenant.scoped(PointsLine).select(PointsLine.id, PointsLine.customer, PointsLine.points).where(
        (PointsLine.order == order_id) & (PointsLine.kind == "earn")).first()
    if line is None or await _has_line(tenant, order_id, "reverse"):
        return 0
    async with transaction():
        take = min(line["points"], await balance_of(tenant, line["customer"]))
        if take and await _move(tenant, line["customer"], -take) is None:
            take = 0
        await PointsLine.insert(PointsLine(organization=tenant.organization_id, customer=line["customer"],
                                           kind="reverse", points=-take, order=order_id))
        await _consume(tenant, line["customer"], take, first_line=line["id"])
    return take


async def redeem_points(tenant: Tenant, customer: str, points: int, order_id: int, prog: Programme) -> None:
    """Spend points on an order, in the caller's transaction: PointsRefused when the balance no longer holds them."""
    if points <= 0:
        return
    if await _move(tenant, customer, -points) is None:
        raise PointsRefused(_("You do not have that many points any more."))
    await PointsLine.insert(PointsLine(organization=tenant.organization_id, customer=customer, kind="redeem",
                                       points=-points, order=order_id))
    await _consume(tenant, customer, points)


async def refund(tenant: Tenant, order_id: int, prog: Programme, now: datetime | None = None) -> int:
    """A cancelled order gives back the points spent on it (once), valid for the programme's days again."""
    line = await tenant.scoped(PointsLine).select(PointsLine.customer, PointsLine.points).where(
        (PointsLine.order == order_id) & (PointsLine.kind == "redeem")).first()
    if line is None or await _has_line(tenant, order_id, "refund"):
        return 0
    points = -line["points"]
    async with transaction():
        await _move(tenant, line["customer"], points)
        await PointsLine.insert(PointsLine(organization=tenant.organization_id, customer=line["customer"],
                                           kind="refund", points=points, order=order_id, remaining=points,
                                           expires_at=(now or utcnow()) + timedelta(days=prog.expiry_days)))
    return points


async def expire(tenant: Tenant, now: datetime | None = None) -> int:
    """Earned points past their date leave the balance (what of them is left); returns the points expired."""
    now = now or utcnow()
    due = await tenant.scoped(PointsLine).select(PointsLine.id, PointsLine.customer, PointsLine.remaining).where(
        PointsLine.kind.is_in(list(EARNING)) & (PointsLine.remaining > 0) & (PointsLine.expires_at <= now)
    ).order_by(PointsLine.id).limit(1000)
    expired = 0
    for row in due:
        async with transaction():
            taken = await tenant.scoped(PointsLine).update({PointsLine.remaining: 0}).where(
                (PointsLine.id == row["id"]) & (PointsLine.remaining == row["remaining"])).returning(PointsLine.id)
            if not taken or await _move(tenant, row["customer"], -row["remaining"]) is None:
                continue
            await PointsLine.insert(PointsLine(organization=tenant.organization_id, customer=row["customer"],
                                               kind="expire", points=-row["remaining"], earn_line=row["id"]))
            expired += row["remaining"]
    return expired


async def settle(tenant: Tenant, now: datetime | None = None) -> dict[str, int]:
    """One organisation's points brought up to date: completed orders earn, cancelled or returned ones
    take back, cancelled ones give back what was spent, old points expire."""
    prog = await programme(tenant)
    done = {"earned": 0, "reversed": 0, "refunded": 0, "expired": 0}
    if prog.enabled:
        completed = await orders.orders_in_states(tenant, ["completed"], channels=prog.channels,
                                                  placed_since=prog.started_at)
        earned = {r["order"] for r in await tenant.scoped(PointsLine).select(PointsLine.order).where(
            (PointsLine.kind == "earn") & PointsLine.order.is_in([o["id"] for o in completed] or [0]))}
        for order in completed:
            if order["id"] not in earned:
                done["earned"] += await earn(tenant, order, prog, now)
    # the order's state read through the line's foreign key (as the website's expiry reads its orders')
    open_lines = await tenant.scoped(PointsLine).select(
        PointsLine.order, PointsLine.kind, PointsLine.order.state.as_alias("state")).where(
        PointsLine.kind.is_in(["earn", "redeem"]) & PointsLine.order.state.is_in(["cancelled", "returned"]))
    for line in open_lines:
        if line["kind"] == "earn":
            done["reversed"] += await reverse(tenant, line["order"])
        elif line["state"] == "cancelled":
            done["refunded"] += await refund(tenant, line["order"], prog, now)
    done["expired"] = await expire(tenant, now)
    return done


async def settle_points(now: datetime | None = None) -> dict[str, int]:
    """settle() for every organisation with a programme or points (the cron)."""
    orgs = {r["organization"] for r in await LoyaltySettings.select(LoyaltySettings.organization)}
    totals: dict[str, int] = {}
    for org in sorted(orgs):
        for key, value in (await settle(Tenant(org), now)).items():
            totals[key] = totals.get(key, 0) + value
    return totals


async def customer_points(tenant: Tenant, customer: str, *, phone: str = "", email: str = "",
                          limit: int = 100) -> CustomerPoints:
    """A customer's balance, tier (by spend over the last 365 days) and last ledger lines, newest first."""
    prog = await programme(tenant)
    spend = await orders.customer_spend(tenant, phone, email, utcnow() - YEAR) if (phone or email) else 0
    tier = prog.tier_for(spend)
    rows = await tenant.scoped(PointsLine).select(
        PointsLine.kind, PointsLine.points, PointsLine.order, PointsLine.order.platform_order_id.as_alias("order_number"),
        PointsLine.expires_at, PointsLine.created_at).where(PointsLine.customer == customer).order_by(
        PointsLine.id, ascending=False).limit(limit) if customer else []
    return CustomerPoints(await balance_of(tenant, customer), tier.name if tier else "", spend,
                          [LedgerLine(**r) for r in rows])


def parse_points(raw: Any) -> int:
    """Points the buyer typed (empty: none); PointsRefused for anything but a whole number >= 0."""
    text = str(raw if raw is not None else "").strip().replace(".", "")
    if not text:
        return 0
    if not text.isdigit() or len(text) > 9:
        raise PointsRefused(_("Type the number of points to use, or leave it empty."))
    return int(text)


async def points_offer(tenant: Tenant, customer: str, wanted: int, left_to_pay: int) -> tuple[int, int]:
    """(points used, rupiah off) for `wanted` points on an order with `left_to_pay` rupiah after vouchers;
    PointsRefused when the shop has no programme or the buyer has fewer points."""
    if wanted <= 0:
        return 0, 0
    prog = await programme(tenant)
    if not prog.enabled or prog.point_value <= 0:
        raise PointsRefused(_("This shop does not offer points."))
    balance = await balance_of(tenant, customer)
    if wanted > balance:
        raise PointsRefused(_("You have %(n)s points: use at most that many.", n=balance))
    off = min(wanted * prog.point_value, max(left_to_pay, 0))
    used = off // prog.point_value
    return used, used * prog.point_value


async def order_points(tenant: Tenant, order_id: int) -> dict[str, int]:
    """{kind: points} of one order's ledger lines (earn, redeem, reverse, refund)."""
    rows = await tenant.scoped(PointsLine).select(PointsLine.kind, PointsLine.points).where(PointsLine.order == order_id)
    return {r["kind"]: r["points"] for r in rows}
