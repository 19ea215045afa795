"""The seller's voucher form, as the browser posts it (unticked checkboxes absent, empty optional numbers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from app.core.forms import Checkbox, FieldProblem, Form, OptionalWholeNumber, TickedIds
from app.core.i18n import N_
from app.core.money import parse_rupiah
from app.core.statuses import Channel
from app.domains.marketing.statuses import RfmGroup, VoucherKind
from app.domains.marketing.vouchers import CODE, normalize_code


def _rupiah(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return 0
        try:
            return parse_rupiah(value)
        except ValueError:
            raise FieldProblem(N_("Type an amount in rupiah, for example 15.000.")) from None
    return value


def _optional_rupiah(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return _rupiah(value)


def _moment(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise FieldProblem(N_("Choose a date and time.")) from None
    return value


def _code(value: Any) -> Any:
    code = normalize_code(value) if isinstance(value, str) else value
    if isinstance(code, str) and not CODE.fullmatch(code):
        raise FieldProblem(N_("A code has 3 to 40 letters, digits, - or _."))
    return code


Rupiah = Annotated[int, BeforeValidator(_rupiah), Field(ge=0, le=1_000_000_000)]
LocalMoment = Annotated[datetime | None, BeforeValidator(_moment)]


class VoucherForm(Form):
    """A voucher: its code and kind, what it takes off, where and when it applies, its limits."""

    labels = {"value": N_("Amount"), "min_spend": N_("Minimum spend"), "max_discount": N_("Maximum discount"),
              "starts_at": N_("Start"), "ends_at": N_("End"), "total_limit": N_("Total uses"),
              "per_customer_limit": N_("Uses per customer"), "batch_count": N_("Number of single-use codes"),
              "segment": N_("Segment")}

    code: Annotated[str, BeforeValidator(_code)]
    name: str = Field(default="", max_length=120)
    kind: VoucherKind
    value: Rupiah
    max_discount: Rupiah = 0
    min_spend: Rupiah = 0
    products: TickedIds = []
    categories: str = Field(default="", max_length=500)
    starts_at: LocalMoment = None
    ends_at: LocalMoment = None
    total_limit: OptionalWholeNumber = Field(default=None, ge=1, le=10_000_000)
    per_customer_limit: OptionalWholeNumber = Field(default=None, ge=1, le=1000)
    segment: OptionalWholeNumber = None
    stackable: Checkbox = False
    active: Checkbox = False
    batch_count: OptionalWholeNumber = Field(default=None, ge=1, le=5000)

    @model_validator(mode="after")
    def _consistent(self) -> VoucherForm:
        from app.core.errors import ValidationFailed
        from app.core.i18n import _

        if self.kind == VoucherKind.PERCENT and not 1 <= self.value <= 100:
            raise ValidationFailed({"value": _("A percentage is between 1 and 100.")})
        if self.kind != VoucherKind.PERCENT and self.value < 1:
            raise ValidationFailed({"value": _("Type an amount in rupiah above 0.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationFailed({"ends_at": _("The end must come after the start.")})
        return self

    def category_list(self) -> list[str]:
        return list(dict.fromkeys(c.strip() for c in self.categories.split(",") if c.strip()))


class GenerateCodesForm(Form):
    labels = {"count": N_("Number of single-use codes")}

    count: OptionalWholeNumber = Field(default=None, ge=1, le=5000)


class ApplyToOrderForm(Form):
    """A voucher applied by the seller to a manual order (by its number)."""

    labels = {"order_number": N_("Order number"), "code": N_("Voucher code")}

    order_number: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=40)


def _tiers(value: Any) -> Any:
    """'Silver: 1.000.000: 125' a line -> [{"name", "min_spend", "earn_percent"}]."""
    if not isinstance(value, str):
        return value
    tiers = []
    for line in value.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(":")]
        try:
            name, spend, percent = parts[0], parse_rupiah(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise FieldProblem(N_("Write one tier a line: name: yearly spend: earn percent (Gold: 5.000.000: 150).")
                               ) from None
        if not name or len(name) > 40 or not 1 <= percent <= 1000:
            raise FieldProblem(N_("Write one tier a line: name: yearly spend: earn percent (Gold: 5.000.000: 150)."))
        tiers.append({"name": name, "min_spend": spend, "earn_percent": percent})
    return tiers


class LoyaltyForm(Form):
    """The loyalty programme: on or off, the earn rate, what a point is worth, channels, expiry, tiers."""

    labels = {"rupiah_per_point": N_("Rupiah per point"), "point_value": N_("Value of a point"),
              "expiry_days": N_("Days before points expire")}

    enabled: Checkbox = False
    rupiah_per_point: Annotated[int, BeforeValidator(_rupiah), Field(ge=1, le=100_000_000)]
    point_value: Annotated[int, BeforeValidator(_rupiah), Field(ge=1, le=1_000_000)]
    channels: list[Channel] = []
    expiry_days: OptionalWholeNumber = Field(default=365, ge=1, le=3650)
    tiers: str = Field(default="", max_length=2000)

    @field_validator("tiers")
    @classmethod
    def _tiers_readable(cls, value: str) -> str:
        _tiers(value)
        return value

    def values(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "rupiah_per_point": self.rupiah_per_point, "point_value": self.point_value,
                "channels": [c.value for c in self.channels], "expiry_days": self.expiry_days or 365,
                "tiers": _tiers(self.tiers)}


class SegmentForm(Form):
    """A segment's filters; every one may be left empty."""

    labels = {"min_spend": N_("Spent at least"), "max_spend": N_("Spent at most"),
              "min_orders": N_("Orders at least"), "max_orders": N_("Orders at most"),
              "ordered_within_days": N_("Ordered within (days)"), "not_ordered_for_days": N_("No order for (days)")}

    name: str = Field(default="", max_length=120)
    channel: Channel | None = None
    city: str = Field(default="", max_length=80)
    min_spend: Annotated[int | None, BeforeValidator(_optional_rupiah)] = None
    max_spend: Annotated[int | None, BeforeValidator(_optional_rupiah)] = None
    min_orders: OptionalWholeNumber = Field(default=None, ge=0, le=1_000_000)
    max_orders: OptionalWholeNumber = Field(default=None, ge=0, le=1_000_000)
    ordered_within_days: OptionalWholeNumber = Field(default=None, ge=1, le=3650)
    not_ordered_for_days: OptionalWholeNumber = Field(default=None, ge=1, le=3650)
    product: OptionalWholeNumber = None
    tier: str = Field(default="", max_length=40)
    rfm: RfmGroup | None = None

    @field_validator("channel", "rfm", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value
