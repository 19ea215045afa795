"""The figures on the dashboard. Later domains (orders, stock, sync) add theirs here."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.tenancy import Tenant
from app.domains.accounts.tables import Membership
from app.domains.jobs.tables import BackgroundJob


@dataclass(slots=True)
class Summary:
    members: int
    jobs_total: int
    recent_jobs: list[dict] = field(default_factory=list)


async def summary(tenant: Tenant) -> Summary:
    """Counts and recent activity of one organisation."""
    members = await tenant.scoped(Membership).count()
    jobs_total = await tenant.scoped(BackgroundJob).count()
    recent = await tenant.scoped(BackgroundJob).select().order_by(BackgroundJob.id, ascending=False).limit(5)
    return Summary(members, jobs_total, recent)
