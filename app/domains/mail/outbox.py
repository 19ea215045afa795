"""The mail outbox: an e-mail is a row written in the caller's transaction, sent by a job after
the commit, retried with backoff, and found again by a sweep when its job was never enqueued."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import InvalidToken

from app.core import tasks
from app.core.clock import utcnow
from app.core.database import after_commit
from app.core.mail import SMTP_TIMEOUT, MailError, deliver, mail_enabled
from app.core.queue import get_queue, job_options, task_job
from app.core.secrets import decrypt, encrypt
from app.domains.mail.statuses import MailStatus
from app.domains.mail.tables import OutgoingMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=5)  # a job that took a mail has this long before the sweep may take it again
BATCH = 100


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gave_up: int = 0


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


async def queue_mail(to: str, subject: str, body: str, *, organization_id: int | None = None) -> bool:
    """Queue one e-mail (see ``queue_mails``); False when mail is off (SMTP_HOST unset)."""
    return bool(await queue_mails([Mail(to, subject, body)], organization_id=organization_id))


async def queue_mails(mails: Iterable[Mail], *, organization_id: int | None = None) -> list[int]:
    """Write one outbox row per mail, in the caller's transaction when one is open, and enqueue
    their delivery once it commits (never when it rolls back). Returns the rows' ids; none when
    mail is off. No network I/O but the enqueue, and that only after the commit."""
    mails = list(mails)
    if not mails or not mail_enabled():
        return []
    rows = await OutgoingMail.insert(*[
        OutgoingMail(organization_id=organization_id, recipient=mail.to[:254], subject=mail.subject[:300],
                     body=encrypt(mail.body))
        for mail in mails]).returning(OutgoingMail.id)
    ids = [row["id"] for row in rows]
    await after_commit(functools.partial(enqueue_delivery, ids))
    return ids


async def enqueue_delivery(mail_ids: list[int] | None = None) -> None:
    """A ``deliver_mail`` job for these rows (or, from the sweep, for every due row)."""
    key = f"mail:{mail_ids[0]}-{mail_ids[-1]}" if mail_ids else f"mail:sweep:{int(time.time() // 60)}"
    await get_queue().enqueue(task_job(tasks.deliver_mail, key=key, **job_options(timeout=900, retries=1))(
        mail_ids=mail_ids))


async def deliver_due(mail_ids: list[int] | None = None, *, timeout: float = SMTP_TIMEOUT) -> DeliveryReport:
    """Send pending mails that are due (these ids, or any), one at a time, outside any transaction.
    Each is claimed first (its next attempt moved a lease ahead), so two jobs never send one mail;
    a sent mail loses its body; a failure waits ``retry_delay`` and, after MAX_ATTEMPTS, gives up.
    A server that cannot be reached stops the batch: the rest wait for the sweep."""
    report = DeliveryReport()
    if not mail_enabled():
        return report  # they wait until SMTP is configured
    query = OutgoingMail.select(OutgoingMail.id).where(
        (OutgoingMail.status == MailStatus.PENDING) & (OutgoingMail.next_attempt_at <= utcnow()))
    if mail_ids is not None:
        query = query.where(OutgoingMail.id.is_in(list(mail_ids) or [-1]))
    for candidate in await query.order_by(OutgoingMail.id).limit(BATCH):
        now = utcnow()
        claimed = await OutgoingMail.update({OutgoingMail.next_attempt_at: now + LEASE}).where(
            (OutgoingMail.id == candidate["id"]) & (OutgoingMail.status == MailStatus.PENDING)
            & (OutgoingMail.next_attempt_at <= now)).returning(
            OutgoingMail.id, OutgoingMail.recipient, OutgoingMail.subject, OutgoingMail.body, OutgoingMail.attempts)
        if not claimed:
            continue  # another job took it
        mail = claimed[0]
        try:
            body = decrypt(mail["body"])
        except InvalidToken:  # its key was retired: it can never be sent
            await OutgoingMail.update({OutgoingMail.status: MailStatus.FAILED, OutgoingMail.body: "",
                                       OutgoingMail.last_error: "body encrypted with a retired key"}).where(
                OutgoingMail.id == mail["id"])
            log.error("e-mail %s cannot be decrypted (retired key): given up", mail["id"])
            report.gave_up += 1
            continue
        try:
            await deliver(mail["recipient"], mail["subject"], body, timeout=timeout)
        except MailError as exc:
            attempts = mail["attempts"] + 1
            gave_up = attempts >= MAX_ATTEMPTS
            await OutgoingMail.update({
                OutgoingMail.attempts: attempts, OutgoingMail.last_error: f"{type(exc).__name__}: {exc}"[:500],
                OutgoingMail.next_attempt_at: utcnow() + retry_delay(attempts),
                OutgoingMail.status: MailStatus.FAILED if gave_up else MailStatus.PENDING,
            }).where(OutgoingMail.id == mail["id"])
            log.warning("could not send e-mail %s (attempt %d%s): %s", mail["id"], attempts,
                        ", giving up" if gave_up else "", type(exc).__name__)
            report.failed += 1
            report.gave_up += gave_up
            if isinstance(exc, OSError):
                break  # unreachable or hanging server: do not spend a timeout on every mail
            continue
        await OutgoingMail.update({OutgoingMail.status: MailStatus.SENT, OutgoingMail.sent_at: utcnow(),
                                   OutgoingMail.body: ""}).where(OutgoingMail.id == mail["id"])
        report.sent += 1
    return report


async def due_count() -> int:
    """Pending mails whose time has come (their job was lost, or their retry is due)."""
    return await OutgoingMail.count().where(
        (OutgoingMail.status == MailStatus.PENDING) & (OutgoingMail.next_attempt_at <= utcnow()))


async def sweep() -> int:
    """Enqueue one delivery for every due pending mail; returns how many were due."""
    due = await due_count() if mail_enabled() else 0
    if due:
        await enqueue_delivery(None)
    return due
