"""Forms of the inventory screens: adjust, transfer, locations, stock counts."""

from __future__ import annotations

from pydantic import Field

from app.core.forms import Checkbox, Form, OptionalWholeNumber, WholeNumber
from app.core.i18n import _


class AdjustForm(Form):
    """Add or remove units of one variant (by SKU or barcode) at one location."""

    messages = {"code": lambda: _("Type or scan the SKU or barcode."),
                "location_id": lambda: _("Choose a location."),
                "delta": lambda: _("Enter a whole number such as 5 or -3.")}
    code: str = Field(default="", min_length=1, max_length=64)
    location_id: WholeNumber
    delta: WholeNumber
    reason: str = ""


class TransferForm(Form):
    """Move units of one variant from one location to another."""

    messages = {"source_id": lambda: _("Choose where the goods leave."),
                "target_id": lambda: _("Choose where the goods arrive."),
                "quantity": lambda: _("Enter how many units move."),
                "code": lambda: _("Type or scan the SKU or barcode.")}
    code: str = Field(default="", min_length=1, max_length=64)
    source_id: WholeNumber
    target_id: WholeNumber
    quantity: WholeNumber
    reason: str = ""


class LocationForm(Form):
    """A location's name and code (their rules live in locations.create/update)."""

    name: str = ""
    code: str = ""


class LocationActiveForm(Form):
    """The active checkbox of a location: absent means off."""

    active: Checkbox = False


class OpenCountForm(Form):
    messages = {"location_id": lambda: _("Choose a location.")}
    location_id: WholeNumber
    note: str = ""


class ScanForm(Form):
    """One scan on a count sheet: a code, and the counted quantity when typed (else one more unit)."""

    messages = {"quantity": lambda: _("Quantity must be a whole number.")}
    code: str = ""
    quantity: OptionalWholeNumber = None
