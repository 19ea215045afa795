"""Time: stored in UTC, shown in the organisation's zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime

_fixed_now: ContextVar[datetime | None] = ContextVar("fixed_now", default=None)


def utcnow() -> datetime:
    """Now, in UTC (or the moment a test set with ``clock_at``)."""
    return _fixed_now.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Inside the block (and the tasks it starts), ``utcnow()`` answers ``moment``: schedulers
    and watermarks can be driven through simulated minutes without waiting for them."""
    token = _fixed_now.set(moment)
    try:
        yield
    finally:
        _fixed_now.reset(token)


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Jakarta")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Jakarta")


def to_local(moment: datetime, tz_name: str | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(tz_name))


def format_local(moment: datetime | None, tz_name: str | None, locale: str = "en") -> str:
    """'25 Nov 2026, 14.05 WIB'-style text in the organisation's zone and the reader's language."""
    if moment is None:
        return "—"
    local = to_local(moment, tz_name)
    babel_locale = "id_ID" if locale == "id" else "en_GB"
    return format_datetime(local, "d MMM yyyy, HH:mm z", tzinfo=local.tzinfo, locale=babel_locale)
