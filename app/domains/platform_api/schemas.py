"""The form that makes an API key (Settings -> API)."""

from __future__ import annotations

import ipaddress
from datetime import date

from pydantic import Field, field_validator

from app.core.forms import BAD_SELECTION, FieldProblem, Form
from app.core.i18n import N_
from app.domains.platform_api.scopes import ALL_SCOPES

MAX_NETWORKS = 20


class ApiKeyForm(Form):
    labels = {"name": "Key name", "scopes": "Access", "expires_on": "Expires on", "allowed_ips": "Allowed addresses"}
    name: str = Field(min_length=1, max_length=80)
    scopes: list[str] = Field(default_factory=list)
    expires_on: date | None = None
    allowed_ips: list[str] = Field(default_factory=list)

    @field_validator("scopes")
    @classmethod
    def known_scopes(cls, value: list[str]) -> list[str]:
        if not value:
            raise FieldProblem(N_("Choose at least one kind of access."))
        if any(scope not in ALL_SCOPES for scope in value):
            raise FieldProblem(BAD_SELECTION)
        return value

    @field_validator("expires_on", mode="before")
    @classmethod
    def empty_date(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("allowed_ips", mode="before")
    @classmethod
    def networks(cls, value: object) -> list[str]:
        """Addresses or networks, one per line or separated by commas or spaces."""
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        words = str(value or "").replace(",", " ").split()
        if len(words) > MAX_NETWORKS:
            raise FieldProblem(N_("At most 20 addresses or networks."))
        networks = []
        for word in words:
            try:
                networks.append(str(ipaddress.ip_network(word, strict=False)))
            except ValueError:
                raise FieldProblem(N_("Type addresses like 203.0.113.7 or networks like 203.0.113.0/24.")) from None
        return list(dict.fromkeys(networks))
