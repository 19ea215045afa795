"""The demo organisation is on the Pro plan, paid for this period (its team and warehouses fit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.core.clock import utcnow
from app.domains.billing.statuses import SubscriptionStatus
from app.domains.billing.tables import Plan, Subscription


async def seed_demo_billing(org_id: int, fake: Any = None) -> None:
    if await Subscription.exists().where(Subscription.organization == org_id):
        return
    plan = await Plan.select(Plan.id).where(Plan.code == "pro").first()
    if plan is None:
        return
    now = utcnow()
    await Subscription(organization=org_id, plan=plan["id"], status=SubscriptionStatus.ACTIVE, period_start=now,
                       period_end=now + timedelta(days=30)).save()
