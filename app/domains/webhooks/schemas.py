"""The webhook endpoint form, read the way a browser posts it: the URL, a description, one
checkbox per event type (all named "events"; none ticked: none), and "active" on the edit form."""

from __future__ import annotations

from pydantic import Field, field_validator

from app.core.forms import Checkbox, FieldProblem, Form
from app.core.i18n import N_
from app.domains.webhooks.statuses import SUBSCRIBABLE


class EndpointForm(Form):
    labels = {"url": "Endpoint URL", "events": "Events"}

    url: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=200)
    events: list[str] = Field(default_factory=list)
    active: Checkbox = False

    @field_validator("events")
    @classmethod
    def known(cls, value: list[str]) -> list[str]:
        allowed = {t.value for t in SUBSCRIBABLE}
        if any(v not in allowed for v in value):
            raise FieldProblem(N_("Choose events from the list."))
        if not value:
            raise FieldProblem(N_("Choose at least one event to send."))
        return sorted(set(value))
