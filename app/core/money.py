"""Money: integer minor units in the database, Decimal in Python, "Rp 1.250.000" on screen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, get_currency_precision, parse_pattern

# IDR has two official minor digits that nobody uses; StoreSync stores whole rupiah, so one
# minor unit is one rupiah. Other currencies keep their ISO precision.
_DIGITS_OVERRIDE = {"IDR": 0}


def currency_digits(currency: str = "IDR") -> int:
    return _DIGITS_OVERRIDE.get(currency, get_currency_precision(currency))


def to_minor(amount: Decimal | int | str, currency: str = "IDR") -> int:
    """Decimal (or its text) -> integer minor units, rounding half up. Raises ValueError on junk."""
    try:
        value = Decimal(str(amount).strip().replace(" ", ""))
    except InvalidOperation as exc:
        raise ValueError(f"{amount!r} is not an amount of money") from exc
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount of money")
    scale = Decimal(10) ** currency_digits(currency)
    try:
        return int((value * scale).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except InvalidOperation as exc:  # too many digits to be money
        raise ValueError(f"{amount!r} is not an amount of money") from exc


def from_minor(minor: int, currency: str = "IDR") -> Decimal:
    return Decimal(minor) / (Decimal(10) ** currency_digits(currency))


def format_money(minor: int | None, currency: str = "IDR", locale: str = "id_ID") -> str:
    """Format minor units the way sellers write them: "Rp 1.250.000"."""
    if minor is None:
        return "—"
    return _formatted(minor, currency, locale)


def format_count(number: int | None) -> str:
    """A whole count the way rupiah amounts are written: 20000 -> "20.000"."""
    if number is None:
        return "—"
    return f"{number:,}".replace(",", ".")


def format_decimal_number(value: float | Decimal | None, digits: int = 1, locale: str = "en") -> str:
    """A measured figure (kilograms, a margin, units a day) with `digits` decimals in the reader's
    writing: "0,80" in Indonesian, "0.80" in English."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0." + "0" * digits, locale="id_ID" if locale == "id" else "en_GB")


@lru_cache(maxsize=8192)
def _formatted(minor: int, currency: str, locale: str) -> str:
    # Prices repeat across a page (and pages); babel's apply is most of a list page's formatting.
    pattern, babel_locale = _money_pattern(currency, locale)
    return pattern.apply(from_minor(minor, currency), babel_locale, currency=currency, currency_digits=False)


@lru_cache(maxsize=64)
def _money_pattern(currency: str, locale: str) -> tuple[NumberPattern, Locale]:
    # What babel's format_currency parses on every call; a list page formats dozens of amounts.
    digits = currency_digits(currency)
    return parse_pattern("¤ #,##0" if digits == 0 else "¤ #,##0." + "0" * digits), Locale.parse(locale)


def parse_rupiah(text: str | int | None) -> int:
    """Read a price as sellers type it ("Rp 1.250.000", "1250000", "1.250.000,00") into whole
    rupiah; ValueError with a readable message for anything else or a negative amount."""
    if isinstance(text, int):
        value = text
    else:
        raw = (text or "").strip().replace("Rp", "").replace("rp", "").replace(" ", "")
        if not raw:
            raise ValueError("enter an amount")
        whole, _sep, cents = raw.partition(",")
        if cents and not cents.isdigit():
            raise ValueError(f"{text!r} is not an amount of money")
        digits = whole.replace(".", "")
        if not digits.isdigit():
            raise ValueError(f"{text!r} is not an amount of money")
        value = to_minor(f"{digits}.{cents or '0'}", "IDR")
    if value < 0:
        raise ValueError("the amount cannot be negative")
    if value > 10**13:
        raise ValueError("the amount is too large")
    return value
