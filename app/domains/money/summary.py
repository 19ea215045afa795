"""The weekly summary e-mail: last week's sales, fees, profit and best products, to each owner of
an organisation who has not opted out (through the mail outbox; sent by its job)."""

from __future__ import annotations

from datetime import date, timedelta

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.i18n import _
from app.core.money import format_money
from app.core.tenancy import Tenant
from app.domains import accounts, mail
from app.domains.money.reports import Period, profit_and_loss, top_and_worst
from app.domains.money.rollups import local_day
from app.domains.money.tables import SummaryOptOut


async def wants_summary(tenant: Tenant, user_id: int) -> bool:
    row = await tenant.scoped(SummaryOptOut).select(SummaryOptOut.id).where(SummaryOptOut.user == user_id).first()
    return row is None


async def set_summary_wanted(tenant: Tenant, user_id: int, wanted: bool) -> None:
    """Opt this person in or out of the weekly summary (idempotent)."""
    async with transaction():
        await tenant.scoped(SummaryOptOut).delete().where(SummaryOptOut.user == user_id)
        if not wanted:
            await tenant.scoped(SummaryOptOut).new(user=user_id, weekly_summary=False).save()


def last_week(today: date) -> Period:
    """Monday to Sunday before ``today``'s week."""
    monday = today - timedelta(days=today.weekday())
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


async def summary_text(tenant: Tenant, period: Period) -> tuple[str, str]:
    pnl = await profit_and_loss(tenant, period)
    top, _worst = await top_and_worst(tenant, period, n=5)
    f = pnl.figures
    lines = [
        _("Your week, %(first)s to %(last)s:", first=period.first.isoformat(), last=period.last.isoformat()),
        "",
        _("Orders: %(n)s", n=f.orders),
        _("Revenue: %(amount)s", amount=format_money(f.revenue)),
        _("Platform fees: %(amount)s", amount=format_money(f.fees)),
        _("Cost of goods: %(amount)s", amount=format_money(f.cogs)),
        _("Other costs: %(amount)s", amount=format_money(f.expenses)),
        _("Profit: %(amount)s", amount=format_money(f.profit)),
    ]
    if top:
        lines += ["", _("Best products:")] + [f"- {g.name}: {format_money(g.figures.profit)}" for g in top]
    lines += ["", _("You receive this because you own the business in StoreSync; turn it off under Reports.")]
    return _("StoreSync weekly summary"), "\n".join(lines)


async def send_weekly_summaries(*, today: date | None = None, organization_ids: list[int] | None = None) -> int:
    """Queue the summary for every organisation's (or these') owners who want it; returns the mails queued."""
    sent = 0
    for organization_id in organization_ids or await accounts.organization_ids():
        tz = await accounts.organization_timezone(organization_id)
        tenant = Tenant(organization_id, timezone=tz)
        period = last_week(today or local_day(utcnow(), tz))
        recipients = [email for user_id, email in await accounts.owners(organization_id)
                      if email and await wants_summary(tenant, user_id)]
        if not recipients:
            continue
        subject, body = await summary_text(tenant, period)
        sent += len(await mail.queue_mails([mail.Mail(to, subject, body) for to in recipients],
                                           organization_id=organization_id))
    return sent
