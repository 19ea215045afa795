"""Outgoing e-mail over SMTP (settings). Without SMTP settings nothing is sent and the caller
shows the link on screen instead.

Domain code queues mail through the outbox (``app.domains.mail.outbox.queue_mail``), whose job
calls ``deliver`` here: an SMTP server may take SMTP_TIMEOUT seconds per call to answer, which
must never happen while a transaction holds locks."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from app.settings import get_settings


def mail_enabled() -> bool:
    return bool(get_settings().smtp_host)


SMTP_TIMEOUT = 15.0
MailError = (OSError, smtplib.SMTPException)


def _send_blocking(message: EmailMessage, timeout: float = SMTP_TIMEOUT) -> None:
    settings = get_settings()
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


async def deliver(to: str, subject: str, body: str, *, timeout: float = SMTP_TIMEOUT) -> None:
    """Hand one plain-text e-mail to the SMTP server now; raises one of ``MailError``. Call it
    outside any database transaction (the outbox job does)."""
    await asyncio.to_thread(_send_blocking, _message(to, subject, body), timeout)
