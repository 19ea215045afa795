"""Mail tasks: deliver queued e-mails, and the sweep that catches mails whose job was lost or
whose retry is due. Thin: they call the mail outbox."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements


@implements(contracts.deliver_mail)
async def deliver_mail(ctx: WorkerContext, *, mail_ids: list[int] | None = None) -> dict[str, int]:
    """Send these queued e-mails (every due one when no ids are given)."""
    from app.domains.mail.outbox import deliver_due

    report = await deliver_due(mail_ids)
    return {"sent": report.sent, "failed": report.failed, "gave_up": report.gave_up}


async def sweep_mail(ctx: WorkerContext) -> dict[str, int]:
    """Cron: a delivery job for pending e-mails that are due."""
    from app.domains.mail.outbox import sweep

    return {"due": await sweep()}
