"""Waiting for e-mails that the outbox job delivers to the test SMTP server (tests.support.smtp_server)."""

from __future__ import annotations

from tests.sync.processes import wait_for


async def mails_to(smtp_server: list, address: str, count: int, timeout: float = 20) -> list:
    """The messages to ``address`` once ``count`` of them have arrived (sent by the worker's job)."""

    async def arrived() -> list:
        found = [m for m in smtp_server if m["To"] == address]
        return found if len(found) >= count else []

    return await wait_for(arrived, timeout, f"{count} e-mail(s) to {address}")
