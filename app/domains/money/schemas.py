"""The report filter (dates in the organisation's zone, a store or a channel) and the expense form,
read the way a browser sends them: empty fields mean "not chosen"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

from app.core.errors import ValidationFailed
from app.core.forms import FieldProblem, Form
from app.core.i18n import N_, _
from app.core.money import parse_rupiah
from app.core.statuses import Channel
from app.domains.money.reports import Period
from app.domains.money.statuses import ExpenseKind

MAX_DAYS = 731  # two years in one report


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldProblem(N_("Type a date like 2026-12-31, or leave it empty.")) from None


class ReportFilterForm(Form):
    """GET parameters of every report: from, to (YYYY-MM-DD), store (an id) or channel."""

    labels = {"date_from": "From", "date_to": "To"}

    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    store: str = ""
    channel: str = ""

    model_config = {"str_strip_whitespace": True, "populate_by_name": True}

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _dates(cls, value: Any) -> date | None:
        return _date(value, "date")

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        if value and not value.isdigit():
            raise FieldProblem(N_("The selection is not valid: reload the page and choose again."))
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value and value not in Channel._value2member_map_:
            raise FieldProblem(N_("Choose one of the listed options."))
        return value

    @model_validator(mode="after")
    def _order(self) -> ReportFilterForm:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("from after to")
        return self

    @classmethod
    def parse_query(cls, query: dict[str, str]) -> ReportFilterForm:
        data: dict[str, Any] = {k: query.get(k, "") for k in ("from", "to", "store", "channel") if k in query}
        try:
            return cls.parse(data)
        except ValidationFailed as exc:
            if "form" in exc.errors:  # the order of the dates
                raise ValidationFailed({"to": _("The end date must not be before the start date.")}) from None
            raise

    def period(self, today: date, default_days: int = 30) -> Period:
        """The chosen period; an empty end is today, an empty start ``default_days`` before the end."""
        last = self.date_to or today
        first = self.date_from or last - timedelta(days=default_days - 1)
        if (last - first).days + 1 > MAX_DAYS:
            raise ValidationFailed({"from": _("Choose at most two years at a time.")})
        return Period(first, last, int(self.store) if self.store else None, self.channel or None)


class ExpenseForm(Form):
    labels = {"spent_on": "Day", "amount": "Amount", "kind": "Kind", "note": "Note"}
    messages = {"amount": lambda: _("Type an amount in rupiah above zero, for example 150.000.")}

    spent_on: date
    kind: ExpenseKind
    amount: int
    note: str = Field(default="", max_length=200)
    store: str = ""

    @field_validator("spent_on", mode="before")
    @classmethod
    def _day(cls, value: Any) -> date | None:
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            raise FieldProblem(N_("Choose the day of the cost."))
        return _date(value, "spent_on")

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> int:
        try:
            amount = parse_rupiah(value)
        except (TypeError, ValueError):
            raise ValueError("not an amount") from None
        if amount <= 0:
            raise ValueError("not above zero")
        return amount

    @field_validator("store")
    @classmethod
    def _store(cls, value: str) -> str:
        if value and not value.isdigit():
            raise FieldProblem(N_("The selection is not valid: reload the page and choose again."))
        return value
