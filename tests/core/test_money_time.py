from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.core.clock import delivery_time, format_local, to_local
from app.core.i18n import current_locale
from app.core.money import format_decimal_number, format_money, from_minor, to_minor


def test_rupiah_is_shown_the_way_sellers_write_it():
    assert format_money(1_250_000) == "Rp 1.250.000"
    assert format_money(0) == "Rp 0"
    assert format_money(None) == "—"


def test_money_round_trips_exactly_without_float():
    assert to_minor("1250000") == 1_250_000
    assert to_minor(Decimal("19999.5")) == 20_000  # half up, whole rupiah
    assert from_minor(1_250_000) == Decimal("1250000")
    assert to_minor("12.34", "USD") == 1234
    for junk in ("abc", "", "1e999999", "NaN"):
        with pytest.raises(ValueError):
            to_minor(junk)


def test_times_are_shown_in_the_organisation_zone():
    moment = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    assert to_local(moment, "Asia/Jakarta").hour == 0 and to_local(moment, "Asia/Jakarta").day == 1
    assert "1 Feb 2026, 00:30" in format_local(moment, "Asia/Jakarta", "id")
    assert "1 Feb 2026, 01:30" in format_local(moment, "Asia/Makassar", "en")
    assert to_local(moment, "Not/AZone").utcoffset().total_seconds() == 7 * 3600


def test_indonesian_zones_are_named_the_same_in_english():
    """English pages said '6 Dec 2026, 05:06 +0700' where Indonesian ones say 'WIB'."""
    moment = datetime(2026, 1, 31, 17, 30, tzinfo=UTC)
    assert format_local(moment, "Asia/Jakarta", "en") == "1 Feb 2026, 00:30 WIB"
    assert format_local(moment, "Asia/Makassar", "en").endswith(" WITA")
    assert format_local(moment, "Asia/Jayapura", "en").endswith(" WIT")
    assert format_local(moment, "Asia/Jakarta", "id").endswith(" WIB")
    assert format_local(moment, "Asia/Singapore", "en").endswith("+0800")


@pytest.mark.parametrize(("said", "english", "indonesian"), [
    ("3 - 5 days", "3–5 days", "3–5 hari"), ("1 day", "1 day", "1 hari"), ("6 - 8 hours", "6–8 hours", "6–8 jam"),
    ("Same day", "Same day", "Same day"), ("", "", ""),
])
def test_a_couriers_delivery_time_reads_in_the_readers_language(said, english, indonesian):
    """The aggregator says "3 - 5 days"; the Indonesian courier choice showed that in English."""
    assert delivery_time(said) == english
    token = current_locale.set("id")
    try:
        assert delivery_time(said) == indonesian
    finally:
        current_locale.reset(token)


def test_measured_figures_use_the_readers_decimal_mark():
    """The Indonesian courier panel said '0.80 kg' and the P&L '91.7 %'."""
    assert format_decimal_number(0.8, 2, "id") == "0,80" and format_decimal_number(0.8, 2, "en") == "0.80"
    assert format_decimal_number(Decimal("91.66"), 1, "id") == "91,7"
    assert format_decimal_number(1234.5, 1, "id") == "1.234,5"
    assert format_decimal_number(None) == "—"
