"""Forms of the accounts domain. Each turns raw form data into clean values or field errors."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, EmailStr, Field, ValidationError, field_validator

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.statuses import Role

PASSWORD_MIN = 8
PASSWORD_MAX = 128


class FieldProblem(ValueError):
    """A validator's own sentence for the person (translated when shown)."""


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class _Form(BaseModel):
    model_config = {"str_strip_whitespace": True}
    labels: ClassVar[dict[str, str]] = {}  # field -> English label, where it differs from the default

    @classmethod
    def parse(cls, data: dict[str, Any]):
        """Validate form data, raising ValidationFailed with one readable message per field."""
        try:
            return cls.model_validate({k: _clean(v) for k, v in data.items()})
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else "form"
                errors.setdefault(name, _friendly(name, err, cls.labels))
            raise ValidationFailed(errors) from None


_FIELD_NAMES = {
    "email": "E-mail",
    "password": "Password",
    "new_password": "New password",
    "current_password": "Current password",
    "name": "Your name",
    "organization_name": "Business name",
    "role": "Role",
}


def _friendly(name: str, err: dict[str, Any], labels: dict[str, str] | None = None) -> str:
    label = _((labels or {}).get(name) or _FIELD_NAMES.get(name, name.replace("_", " ").capitalize()))
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


class SignupForm(_Form):
    name: str = Field(min_length=1, max_length=80)
    organization_name: str = Field(min_length=1, max_length=120)
    email: EmailStr = Field(max_length=100)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.lower()


class LoginForm(_Form):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class InviteForm(_Form):
    email: EmailStr = Field(max_length=100)
    role: Role

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.lower()


class AcceptInviteForm(_Form):
    name: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class ChangePasswordForm(_Form):
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class ResetRequestForm(_Form):
    email: EmailStr = Field(max_length=254)


class ResetForm(_Form):
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class RoleForm(_Form):
    role: Role


class OrganizationForm(_Form):
    name: str = Field(min_length=1, max_length=120)
    timezone: str = Field(min_length=1, max_length=64)

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value
