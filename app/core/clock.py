"""Time: stored in UTC, shown in the organisation's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


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
