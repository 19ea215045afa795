"""Outgoing e-mail over SMTP (settings). Without SMTP settings nothing is sent and the caller
shows the link on screen instead."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage

from app.settings import get_settings

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(get_settings().smtp_host)


def _send_blocking(message: EmailMessage) -> None:
    settings = get_settings()
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


async def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text e-mail; True when it was handed to the SMTP server, False when mail is off
    or the server refused (logged, never raised: a failed e-mail must not undo the action)."""
    if not mail_enabled():
        return False
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        await asyncio.to_thread(_send_blocking, message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send e-mail %r to %s", subject, to)
        return False
    return True
