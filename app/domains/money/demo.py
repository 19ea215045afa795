"""The demo's money: a few costs the seller entered this month, and the rollups rebuilt (the demo's
orders were spread over past days after they were placed)."""

from __future__ import annotations

from datetime import timedelta

from faker import Faker

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains import accounts
from app.domains.money.rollups import local_day, rebuild_rollups
from app.domains.money.statuses import ExpenseKind
from app.domains.money.tables import Expense

COSTS = ((ExpenseKind.ADS, 350_000, "Iklan Shopee"), (ExpenseKind.PACKAGING, 120_000, "Bubble wrap dan kardus"),
         (ExpenseKind.ADS, 200_000, "Iklan TikTok"))


async def seed_money(org_id: int, fake: Faker) -> None:
    tenant = Tenant(org_id, timezone=await accounts.organization_timezone(org_id))
    if not await tenant.scoped(Expense).exists():
        today = local_day(utcnow(), tenant.timezone)
        await Expense.insert(*[Expense(organization=org_id, spent_on=today - timedelta(days=3 * n), kind=kind.value,
                                       amount=amount, note=note) for n, (kind, amount, note) in enumerate(COSTS)])
    await rebuild_rollups(org_id)
