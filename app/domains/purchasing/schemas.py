"""Forms of the purchasing screens: suppliers, their SKUs, purchase orders, receiving, reorder."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

from app.core.forms import FieldProblem, Form, OptionalWholeNumber, TickedIds, WholeNumber
from app.core.i18n import N_, _
from app.core.money import parse_rupiah


def _rupiah(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        return parse_rupiah(value)
    except ValueError:
        raise FieldProblem(N_("Enter an amount in whole rupiah, 0 or more (e.g. 125000).")) from None


def _rupiah_or_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else _rupiah(value)


Rupiah = Annotated[int, BeforeValidator(_rupiah)]
OptionalRupiah = Annotated[int | None, BeforeValidator(_rupiah_or_none)]


class SupplierForm(Form):
    labels = {"name": "Supplier name", "lead_time_days": "Lead time", "payment_terms": "Payment terms"}
    messages = {"lead_time_days": lambda: _("Lead time is a whole number of days from 0 to 365.")}
    name: str = Field(min_length=1, max_length=120)
    contact_name: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=32)
    email: str = Field(default="", max_length=200)
    lead_time_days: WholeNumber = Field(default=7, ge=0, le=365)
    payment_terms: str = Field(default="", max_length=120)
    note: str = Field(default="", max_length=2000)

    @field_validator("phone")
    @classmethod
    def phone_shape(cls, value: str) -> str:
        digits = "".join(ch for ch in value if ch.isdigit())
        if value and not 8 <= len(digits) <= 15:
            raise FieldProblem(N_("Type the phone number with its digits, e.g. 0812 3456 7890."))
        return value


class SupplierItemForm(Form):
    messages = {"code": lambda: _("Type or scan the SKU or barcode."),
                "price": lambda: _("Enter the supplier's price in whole rupiah, 0 or more.")}
    code: str = Field(default="", min_length=1, max_length=64)
    price: Rupiah = 0
    supplier_sku: str = Field(default="", max_length=64)


class NewOrderForm(Form):
    messages = {"supplier_id": lambda: _("Choose a supplier."), "location_id": lambda: _("Choose a location.")}
    supplier_id: WholeNumber
    location_id: OptionalWholeNumber = None
    note: str = Field(default="", max_length=2000)


class OrderLineForm(Form):
    messages = {"code": lambda: _("Type or scan the SKU or barcode."),
                "quantity": lambda: _("Enter how many units to order, 1 or more."),
                "unit_price": lambda: _("Enter the unit price in whole rupiah, 0 or more.")}
    code: str = Field(default="", min_length=1, max_length=64)
    quantity: WholeNumber = Field(ge=1, le=1_000_000)
    unit_price: OptionalRupiah = None


class LandedCostForm(Form):
    messages = {"freight": lambda: _("Enter the freight in whole rupiah, 0 or more."),
                "other_costs": lambda: _("Enter other costs in whole rupiah, 0 or more."),
                "allocation": lambda: _("Choose how costs are shared: by value, quantity or weight."),
                "currency": lambda: _("Purchase orders are in rupiah (IDR) only.")}
    freight: Rupiah = 0
    other_costs: Rupiah = 0
    allocation: str = Field(default="value", pattern="^(value|quantity|weight)$")
    currency: str = Field(default="IDR", pattern="^IDR$")

    @field_validator("currency", mode="before")
    @classmethod
    def upper(cls, value: Any) -> Any:
        return value.strip().upper() or "IDR" if isinstance(value, str) else value


class ScanForm(Form):
    """One scan on the receiving screen: a code, and a quantity when typed (else one unit)."""

    messages = {"quantity": lambda: _("Quantity must be a whole number from 1."),
                "code": lambda: _("Scan a barcode or type a SKU.")}
    code: str = Field(default="", min_length=1, max_length=64)
    quantity: OptionalWholeNumber = Field(default=None, ge=1, le=1_000_000)


class ReorderForm(Form):
    messages = {"days_of_cover": lambda: _("Days of cover is a whole number from 0 to 365."),
                "variant_ids": lambda: _("The selection is not valid: reload the page and choose again.")}
    days_of_cover: WholeNumber = Field(default=14, ge=0, le=365)
    variant_ids: TickedIds = Field(default_factory=list)



class UnitCostForm(Form):
    messages = {"unit_cost": lambda: _("Enter the unit cost in whole rupiah, 0 or more.")}
    unit_cost: Rupiah = Field(default="", validate_default=True)

    @field_validator("unit_cost", mode="before")
    @classmethod
    def required(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise FieldProblem(N_("Enter the unit cost in whole rupiah, 0 or more."))
        return value
