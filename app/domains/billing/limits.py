"""Plans, usage and limits: which plan an organisation is on, how much of each limit it uses, and
the check that refuses an addition (a store, a member, a location, an API call) at the limit.

An organisation without a Subscription row is on the Free plan. Orders are counted and warned
about, never refused: incoming orders and stock pushes do not ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.core.clock import utcnow
from app.core.errors import Conflict
from app.core.i18n import _
from app.core.limits import Adding
from app.domains import accounts, inventory, orders, stores
from app.domains.billing.statuses import Resource
from app.domains.billing.tables import ApiUsage, Plan, Subscription
from app.settings import get_settings

FREE = "free"
WARN_AT = 0.8  # the Billing page warns from 80 % of a limit
LIMIT_COLUMNS = {Resource.STORES: "max_stores", Resource.ORDERS: "max_orders_per_month",
                 Resource.MEMBERS: "max_members", Resource.LOCATIONS: "max_locations",
                 Resource.API_CALLS: "max_api_calls_per_month"}
REFUSED = {Resource.STORES, Resource.MEMBERS, Resource.LOCATIONS, Resource.API_CALLS}  # never orders


class LimitReached(Conflict):
    """The plan's limit for this resource is reached: nothing was added."""


@dataclass(frozen=True, slots=True)
class PlanView:
    id: int
    code: str
    name: str
    price: int
    limits: dict[str, int | None]


def _view(row: dict) -> PlanView:
    return PlanView(id=row["id"], code=row["code"], name=row["name"], price=row["price"],
                    limits={r.value: row[column] for r, column in LIMIT_COLUMNS.items()})


async def plans() -> list[PlanView]:
    """The plans offered, cheapest first."""
    rows = await Plan.select().where(Plan.available == True).order_by(Plan.display_order).order_by(Plan.price)  # noqa: E712
    return [_view(r) for r in rows]


async def plan_by_code(code: str) -> PlanView | None:
    row = await Plan.select().where(Plan.code == code).first()
    return _view(row) if row else None


async def plan_of(organization_id: int) -> PlanView:
    """The organisation's current plan (Free without a subscription)."""
    sub = await Subscription.select(Subscription.plan).where(Subscription.organization == organization_id).first()
    row = await Plan.select().where(Plan.id == sub["plan"]).first() if sub else None
    if row is None:
        row = await Plan.select().where(Plan.code == FREE).first()
    if row is None:  # no plans at all (an admin deleted them): nothing is limited
        return PlanView(id=0, code=FREE, name="Free", price=0, limits={r.value: None for r in Resource})
    return _view(row)


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return datetime(now.year, now.month, 1, tzinfo=UTC)


def month_key(now: datetime | None = None) -> str:
    return f"{(now or utcnow()):%Y-%m}"


async def api_calls(organization_id: int, month: str | None = None) -> int:
    row = await ApiUsage.select(ApiUsage.calls).where(
        (ApiUsage.organization == organization_id) & (ApiUsage.month == (month or month_key()))).first()
    return int(row["calls"]) if row else 0


async def used(organization_id: int, resource: Resource) -> int:
    """How much of `resource` the organisation uses now (this month for orders and API calls)."""
    if resource is Resource.STORES:
        return await stores.count_connected(organization_id)
    if resource is Resource.MEMBERS:
        return await accounts.count_members(organization_id)
    if resource is Resource.LOCATIONS:
        return await inventory.count_locations(organization_id)
    if resource is Resource.ORDERS:
        return await orders.count_placed_since(organization_id, month_start())
    return await api_calls(organization_id)


@dataclass(frozen=True, slots=True)
class UsageLine:
    """One bar of the Billing page."""

    resource: str
    used: int
    limit: int | None

    @property
    def percent(self) -> int:
        if not self.limit:
            return 0
        return min(100, round(100 * self.used / self.limit))

    @property
    def warning(self) -> bool:
        return self.limit is not None and self.used >= WARN_AT * self.limit

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit


async def usage(organization_id: int) -> list[UsageLine]:
    plan = await plan_of(organization_id)
    return [UsageLine(r.value, await used(organization_id, r), plan.limits[r.value]) for r in Resource]


def _refusal(resource: Resource, limit: int, plan: PlanView) -> str:
    messages = {
        Resource.STORES: _("Your %(plan)s plan connects at most %(n)s stores. Upgrade under Settings → Plan and "
                           "billing to connect another.", plan=plan.name, n=limit),
        Resource.MEMBERS: _("Your %(plan)s plan has room for %(n)s members (invitations included). Upgrade under "
                            "Settings → Plan and billing to invite more.", plan=plan.name, n=limit),
        Resource.LOCATIONS: _("Your %(plan)s plan has at most %(n)s locations. Upgrade under Settings → Plan and "
                              "billing to add another.", plan=plan.name, n=limit),
        Resource.API_CALLS: _("Your %(plan)s plan allows %(n)s API calls a month; this month's are used up.",
                              plan=plan.name, n=limit),
    }
    return messages[resource]


async def check_limit(organization_id: int, resource: str, current: int | None = None) -> None:
    """LimitReached when one more `resource` would pass the plan's limit (`current`: what is used
    now, counted here when not given). Orders are never refused."""
    kind = Resource(resource)
    if kind not in REFUSED or not get_settings().billing_enforce_limits:
        return
    plan = await plan_of(organization_id)
    limit = plan.limits[kind.value]
    if limit is None:
        return
    if current is None:
        current = await used(organization_id, kind)
    if current >= limit:
        raise LimitReached(_refusal(kind, limit, plan))


async def refuse_over_limit(event: Adding) -> None:
    """Listener of app.core.limits.Adding: the domains ask before adding a store, member or location."""
    await check_limit(event.organization_id, event.resource, event.current)


async def count_api_call(organization_id: int, calls: int = 1) -> int:
    """Count `calls` API calls this month (the API hands them over in batches) and return the
    month's count (for the API: check_api_call(org) first to refuse at the limit, then this)."""
    month = month_key()
    updated = await ApiUsage.update({ApiUsage.calls: ApiUsage.calls + calls}).where(
        (ApiUsage.organization == organization_id) & (ApiUsage.month == month)).returning(ApiUsage.calls)
    if updated:
        return _counted(organization_id, month, int(updated[0]["calls"]))
    inserted = await ApiUsage.insert(ApiUsage(organization=organization_id, month=month, calls=calls)).on_conflict(
        target=(ApiUsage.organization, ApiUsage.month), action="DO NOTHING").returning(ApiUsage.calls)
    if inserted:
        return _counted(organization_id, month, calls)
    return await count_api_call(organization_id, calls)  # a concurrent first call inserted the row


# check_api_call runs before every REST API call: what it read of an organisation's plan and month's
# calls is kept by this process for API_ALLOWANCE_SECONDS (no query on the calls in between). The
# calls it lets through are added to what was read, and each batch count_api_call writes brings the
# count up to what the database holds (every process's calls). So one process stops at the limit;
# several may pass it by what the others let through in those seconds, and a new plan applies to
# the API within them (at once in the process that changed it: forget_api_allowance).
API_ALLOWANCE_SECONDS = 5
API_ALLOWANCE_SIZE = 10_000


@dataclass(slots=True)
class _Allowance:
    until: datetime
    month: str
    plan: PlanView
    limit: int | None
    used: int


_allowances: dict[int, _Allowance] = {}


def _counted(organization_id: int, month: str, calls: int) -> int:
    kept = _allowances.get(organization_id)
    if kept is not None and kept.month == month:
        kept.used = max(kept.used, calls)  # calls let through here and not yet written stay counted
    return calls


def forget_api_allowance(organization_id: int | None = None) -> None:
    """Read the organisation's plan and calls afresh on its next API call (every organisation's: None)."""
    if organization_id is None:
        _allowances.clear()
    else:
        _allowances.pop(organization_id, None)


async def check_api_call(organization_id: int) -> None:
    """check_limit(organization_id, "api_calls") for the API's every call, counting the call it lets
    through, without a query on most calls (see API_ALLOWANCE_SECONDS)."""
    if not get_settings().billing_enforce_limits:
        return
    now = utcnow()
    month = month_key(now)
    kept = _allowances.get(organization_id)
    if kept is None or kept.until <= now or kept.month != month:
        plan = await plan_of(organization_id)
        limit = plan.limits[Resource.API_CALLS.value]
        used = await api_calls(organization_id, month) if limit is not None else 0
        if len(_allowances) >= API_ALLOWANCE_SIZE:
            _allowances.clear()
        kept = _allowances[organization_id] = _Allowance(now + timedelta(seconds=API_ALLOWANCE_SECONDS), month, plan,
                                                         limit, used)
    if kept.limit is None:
        return
    if kept.used >= kept.limit:
        raise LimitReached(_refusal(Resource.API_CALLS, kept.limit, kept.plan))
    kept.used += 1
