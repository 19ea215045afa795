"""Forms of the stores domain."""

from __future__ import annotations

from pydantic import Field

from app.core.errors import ValidationFailed
from app.core.forms import Checkbox, Form, TickedIds
from app.core.i18n import _
from app.integrations.base import Platform


class StoreSettingsForm(Form):
    """A store's sync settings; an HTML checkbox that is absent means off."""

    messages = {
        "sync_interval_minutes": lambda: _("Sync interval must be a whole number of minutes from 5 to 1440."),
        "stock_buffer": lambda: _("Stock buffer must be a whole number, 0 or more."),
        "stock_percent": lambda: _("Stock offered must be a whole percentage from 1 to 100."),
        "price_markup_percent": lambda: _("Price markup must be a whole percentage from -50 to 500."),
    }
    auto_push_stock: Checkbox = False
    auto_import_orders: Checkbox = False
    sync_interval_minutes: int = Field(ge=5, le=1440)
    stock_buffer: int = Field(ge=0, le=1_000_000)
    stock_percent: int = Field(ge=1, le=100)
    price_markup_percent: int = Field(ge=-50, le=500)
    preferred_for_last_units: Checkbox = False
    auto_push_prices: Checkbox = False


def parse_platform(value: str | None) -> Platform:
    """The marketplace named in a form, or ValidationFailed."""
    try:
        return Platform((value or "").strip().lower())
    except ValueError:
        raise ValidationFailed({"platform": _("Choose Shopee, TikTok Shop or Lazada.")}) from None


class StoreLocationsForm(Form):
    """The locations whose stock a store is offered: ticked boxes named "location" (none: every location)."""

    messages = {"location": lambda: _("Choose locations from the list.")}
    location: TickedIds = []
