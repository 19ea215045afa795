"""Forms of the stores domain."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.integrations.base import Platform

_CHECKED = {"on", "true", "1", "yes"}


class StoreSettingsForm(BaseModel):
    """A store's sync settings; an HTML checkbox that is absent means off."""

    auto_push_stock: bool = False
    auto_import_orders: bool = False
    sync_interval_minutes: int = Field(ge=5, le=1440)
    stock_buffer: int = Field(ge=0, le=1_000_000)
    stock_percent: int = Field(ge=1, le=100)
    price_markup_percent: int = Field(ge=-50, le=500)
    preferred_for_last_units: bool = False
    auto_push_prices: bool = False

    @field_validator("auto_push_stock", "auto_import_orders", "preferred_for_last_units", "auto_push_prices",
                     mode="before")
    @classmethod
    def _checkbox(cls, value: Any) -> bool:
        return str(value).strip().lower() in _CHECKED if isinstance(value, str) else bool(value)

    @classmethod
    def parse(cls, data: dict[str, str]) -> StoreSettingsForm:
        """Validate the posted form or raise ValidationFailed with one sentence per field."""
        try:
            return cls.model_validate({k: v.strip() if isinstance(v, str) else v for k, v in data.items()})
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "form"
                errors.setdefault(name, _MESSAGES.get(name, lambda: _("Please check this value."))())
            raise ValidationFailed(errors) from None


_MESSAGES = {
    "sync_interval_minutes": lambda: _("Sync interval must be a whole number of minutes from 5 to 1440."),
    "stock_buffer": lambda: _("Stock buffer must be a whole number, 0 or more."),
    "stock_percent": lambda: _("Stock offered must be a whole percentage from 1 to 100."),
    "price_markup_percent": lambda: _("Price markup must be a whole percentage from -50 to 500."),
}


def parse_platform(value: str | None) -> Platform:
    """The marketplace named in a form, or ValidationFailed."""
    try:
        return Platform((value or "").strip().lower())
    except ValueError:
        raise ValidationFailed({"platform": _("Choose Shopee or TikTok Shop.")}) from None
