"""Shipping's forms, read the way a browser posts them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from app.core.forms import Checkbox, Form, OptionalWholeNumber
from app.core.i18n import _
from app.domains.fulfillment import OrderSelection

ORIGIN_FIELDS = ("contact_name", "phone", "address", "postal_code")


class BookForm(Form):
    labels = {"service": "Courier service", "destination_postal": "Postal code", "weight_grams": "Weight"}
    messages = {"service": lambda: _("Choose a courier service."),
                "handover": lambda: _("Choose pickup or drop-off."),
                "weight_grams": lambda: _("Type the parcel's weight in grams (1 to 150000).")}

    service: str = Field(min_length=3, max_length=40)
    handover: Literal["pickup", "dropoff"] = "pickup"
    destination_postal: str = Field(default="", max_length=10)
    weight_grams: OptionalWholeNumber = None


class QuoteForm(Form):
    destination_postal: str = Field(default="", max_length=10)
    weight_grams: OptionalWholeNumber = None


class BulkBookForm(OrderSelection):
    handover: Literal["pickup", "dropoff"] = "pickup"


class ShippingSettingsForm(Form):
    labels = {"api_key": "Courier API key", "webhook_header": "Webhook header", "webhook_secret": "Webhook secret"}

    enabled: Checkbox = False
    api_key: str = Field(default="", max_length=300)
    services: list[str] = Field(default_factory=list)
    webhook_header: str = Field(default="x-storesync-token", max_length=64)
    webhook_secret: str = Field(default="", max_length=200)

    @field_validator("services")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return sorted(set(value))


def origins_from(data: dict[str, Any]) -> dict[int, dict[str, str]]:
    """Rows <field>_<location id> of the origin addresses, as posted."""
    out: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        name, _sep, location = key.rpartition("_")
        if name in ORIGIN_FIELDS and location.isdigit() and isinstance(value, str):
            out.setdefault(int(location), {})[name] = value[:600]
    return out

