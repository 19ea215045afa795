"""Time: stored in UTC, shown in the organisation's zone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_datetime

from app.core.i18n import ngettext

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
    return _zone(name or "Asia/Jakarta")


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
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
    months, babel_locale = _months(locale)
    # babel's "d MMM yyyy, HH:mm" written out: its pattern machinery was most of a list page's cost
    return (f"{local.day} {months[local.month]} {local.year:04d}, {local.hour:02d}:{local.minute:02d} "
            f"{_zone_label(local, babel_locale)}")


def format_day(day: date | None, locale: str = "en") -> str:
    """A calendar day in the reader's language: '25 Dec 2026', '25 Des 2026'."""
    if day is None:
        return "—"
    months, _locale = _months(locale)
    return f"{day.day} {months[day.month]} {day.year:04d}"


@lru_cache(maxsize=8)
def _months(locale: str) -> tuple[dict[int, str], Locale]:
    babel_locale = Locale.parse("id_ID" if locale == "id" else "en_GB")
    return dict(babel_locale.months["format"]["abbreviated"].items()), babel_locale


_zone_labels: dict[tuple, str] = {}


def _zone_label(local: datetime, babel_locale: Locale) -> str:
    # The same zone at the same offset (and daylight saving) always reads the same ("WIB", "+0800").
    key = (local.tzinfo, local.utcoffset(), local.dst(), str(babel_locale))
    label = _zone_labels.get(key)
    if label is None:
        if len(_zone_labels) > 1024:
            _zone_labels.clear()
        # Indonesia's zones are WIB, WITA and WIT in English too (babel's English says "+0700")
        label = format_datetime(local, "z", tzinfo=local.tzinfo, locale=_months("id")[1])
        if label not in _INDONESIAN_ZONES:
            label = format_datetime(local, "z", tzinfo=local.tzinfo, locale=babel_locale)
        _zone_labels[key] = label
    return label


_INDONESIAN_ZONES = frozenset({"WIB", "WITA", "WIT"})


_SPAN = re.compile(r"^\s*(\d+)(?:\s*-\s*(\d+))?\s*(day|days|hour|hours)\s*$", re.IGNORECASE)


def delivery_time(text: str) -> str:
    """A courier's delivery time ("3 - 5 days", as the aggregator writes it) in the reader's
    language; any other wording is shown as it came."""
    found = _SPAN.match(text or "")
    if not found:
        return text or ""
    low, high, unit = found.group(1), found.group(2), found.group(3).lower()
    span = f"{low}–{high}" if high else low
    if unit.startswith("hour"):
        return ngettext("%(span)s hour", "%(span)s hours", int(high or low), span=span)
    return ngettext("%(span)s day", "%(span)s days", int(high or low), span=span)
