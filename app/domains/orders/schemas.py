"""Forms of the order screens: a manual order, returns, state changes, notes and tags."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import Field

from app.core.errors import ValidationFailed
from app.core.forms import Form
from app.core.i18n import _

_LINE_CODE = re.compile(r"line-(\d+)-code")
_RETURN_QTY = re.compile(r"qty-(\d+)")
_RESTOCK = re.compile(r"restock-(\d+)")
REFUSED_QUANTITY = -1  # a quantity that was not a number: the service refuses it with its own sentence


class ManualOrderForm(Form):
    """A sale made by WhatsApp, Instagram or in person. The rules (required name, known SKUs,
    quantities, rupiah amounts) are the service's; this gives them typed values."""

    customer_name: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    shipping_fee: str = ""
    discount: str = ""
    lines: list[tuple[str, int]] = Field(default_factory=list)

    @classmethod
    def from_form(cls, data: Mapping[str, str]) -> ManualOrderForm:
        """Read the item rows (`line-0-code`, `line-0-qty`, ...) in order; a row without a code is
        skipped, an empty quantity means 1."""
        lines: list[tuple[str, int]] = []
        for key, code in sorted(data.items()):
            match = _LINE_CODE.fullmatch(key)
            if match and code.strip():
                qty = (data.get(f"line-{match.group(1)}-qty") or "1").strip()
                lines.append((code.strip(), int(qty) if qty.isdigit() else REFUSED_QUANTITY))
        fields = {k: v for k, v in data.items() if k in cls.model_fields and k != "lines"}
        return cls.parse({**fields, "lines": lines})


class OpenReturnForm(Form):
    """Units to return per order line (`qty-<line id>`), and why."""

    quantities: dict[int, int] = Field(default_factory=dict)
    reason: str = ""

    @classmethod
    def from_form(cls, data: Mapping[str, str]) -> OpenReturnForm:
        quantities: dict[int, int] = {}
        for key, value in data.items():
            match = _RETURN_QTY.fullmatch(key)
            if match and value.strip():
                if not value.strip().lstrip("-").isdigit():
                    raise ValidationFailed({"quantities": _("Quantities must be whole numbers.")})
                quantities[int(match.group(1))] = int(value)
        return cls.parse({"quantities": quantities, "reason": data.get("reason", "")})


class ReceiveReturnForm(Form):
    """Units going back to stock per return line (`restock-<line id>`); the rest are written off."""

    restock: dict[int, int] = Field(default_factory=dict)

    @classmethod
    def from_form(cls, data: Mapping[str, str]) -> ReceiveReturnForm:
        restock = {int(m.group(1)): int(value) if value.strip().isdigit() else REFUSED_QUANTITY
                   for key, value in data.items() if (m := _RESTOCK.fullmatch(key))}
        return cls.parse({"restock": restock})


class TransitionForm(Form):
    state: str = ""


class NoteForm(Form):
    note: str = ""


class TagForm(Form):
    tag: str = ""
