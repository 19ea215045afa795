"""The one base for forms: a pydantic model that turns what a browser posted into clean values, or
raises ValidationFailed with one translated sentence per field (nothing changes on error)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, ClassVar, Protocol, Self, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError

from app.core.errors import ValidationFailed
from app.core.i18n import N_, _


class FieldProblem(ValueError):
    """A validator's own sentence for the person (translated when shown)."""


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


_WHOLE = re.compile(r"[+-]?\d{1,18}")


def _whole(value: Any) -> Any:
    if isinstance(value, str):
        if not _WHOLE.fullmatch(value.strip()):
            raise ValueError("not a whole number")
        return int(value.strip())
    return value


def _whole_or_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else _whole(value)


WholeNumber = Annotated[int, BeforeValidator(_whole)]
"""An integer typed the way people type one ("5", "-3", " 12 "): "5.0" or "1e3" is refused."""

OptionalWholeNumber = Annotated[int | None, BeforeValidator(_whole_or_none)]
"""A WholeNumber that may be left empty (None)."""


_CHECKED = {"on", "true", "1", "yes"}


def _ticked(value: Any) -> bool:
    return value.strip().lower() in _CHECKED if isinstance(value, str) else bool(value)


Checkbox = Annotated[bool, BeforeValidator(_ticked)]
"""An HTML checkbox: ticked sends "on"; an unticked one sends nothing, so give it the default False."""

_ID = re.compile(r"\d{1,18}")
BAD_SELECTION = N_("The selection is not valid: reload the page and choose again.")


def _ids(value: Any) -> Any:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, Iterable):
        return value
    ids: list[int] = []
    for item in value:
        text = str(item).strip()
        if not text:
            continue
        if not _ID.fullmatch(text):
            raise FieldProblem(BAD_SELECTION)
        ids.append(int(text))
    return list(dict.fromkeys(ids))


TickedIds = Annotated[list[int], BeforeValidator(_ids)]
"""Row ids from ticked checkboxes sharing one name (or "1,2,3"), each once, in order; an id that
is not a whole number refuses the whole selection. Empty when nothing was ticked."""


class MultiValueForm(Protocol):
    """What a submitted form offers (litestar's FormMultiDict): a field's first value, or all of them."""

    def __contains__(self, key: object, /) -> bool: ...

    def get(self, key: str, /) -> Any: ...

    def getall(self, key: str, /) -> list[Any]: ...


class Form(BaseModel):
    """Base of every form. `labels` names a field in messages where the default (its name,
    capitalised) would not read well; `messages` gives a field one sentence for any problem."""

    model_config = {"str_strip_whitespace": True}
    labels: ClassVar[dict[str, str]] = {}  # field -> English label, where it differs from the default
    messages: ClassVar[dict[str, Callable[[], str]]] = {}  # field -> its one translated sentence

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """Validate form data, raising ValidationFailed with one readable message per field."""
        try:
            return cls.model_validate({k: _clean(v) for k, v in data.items()})
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "form"
                errors.setdefault(name, cls.message_for(name, dict(err)))
            raise ValidationFailed(errors) from None

    @classmethod
    def parse_multi(cls, form: MultiValueForm) -> Self:
        """Validate a submitted form as the browser sent it: a list field takes every value of its
        name (none ticked: an empty list), any other field its first text value; uploads are ignored."""
        data: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if get_origin(field.annotation) is list:
                data[key] = [v for v in form.getall(key) if isinstance(v, str)] if key in form else []
            elif key in form and isinstance(form.get(key), str):
                data[key] = form.get(key)
        return cls.parse(data)

    @classmethod
    def message_for(cls, name: str, err: dict[str, Any]) -> str:
        """The sentence shown for one field's validation error."""
        if name in cls.messages:
            return cls.messages[name]()
        return friendly(name, err, cls.labels)


def friendly(name: str, err: dict[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """A translated sentence for one pydantic error on field `name`."""
    label = _((labels or {}).get(name) or name.replace("_", " ").capitalize())
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if isinstance(ctx.get("error"), FieldProblem):
        return _(str(ctx["error"]))
    if kind in ("missing", "string_too_short") and (kind == "missing" or ctx.get("min_length") == 1):
        return _("%(label)s is required.", label=label)
    if kind == "string_too_short":
        return _("%(label)s must be at least %(n)s characters.", label=label, n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("%(label)s must be at most %(n)s characters.", label=label, n=ctx.get("max_length"))
    if name == "email" or kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        return _("Enter a valid e-mail address.")
    if kind == "enum":
        return _("Choose one of the listed options.")
    return _("%(label)s is not valid.", label=label)
