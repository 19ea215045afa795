"""Forms of the accounts domain. Each turns raw form data into clean values or field errors."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, EmailStr, Field, field_validator

from app.core.forms import FieldProblem as FieldProblem  # re-exported for forms that import it from here
from app.core.forms import Form, WholeNumber
from app.core.i18n import _, normalize_locale
from app.core.statuses import Role

PASSWORD_MIN = 8
PASSWORD_MAX = 128


_FIELD_NAMES = {
    "email": "E-mail",
    "password": "Password",
    "new_password": "New password",
    "current_password": "Current password",
    "name": "Your name",
    "organization_name": "Business name",
    "role": "Role",
}


class _AccountForm(Form):
    labels = _FIELD_NAMES


_Form = Form  # the shared base, under the name other modules still import it by (app.core.forms.Form)


class SignupForm(_AccountForm):
    name: str = Field(min_length=1, max_length=80)
    organization_name: str = Field(min_length=1, max_length=120)
    email: EmailStr = Field(max_length=100)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.lower()


class LoginForm(_AccountForm):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class InviteForm(_AccountForm):
    email: EmailStr = Field(max_length=100)
    role: Role

    @field_validator("email")
    @classmethod
    def lower(cls, value: str) -> str:
        return value.lower()


class AcceptInviteForm(_AccountForm):
    name: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class ChangePasswordForm(_AccountForm):
    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class ResetRequestForm(_AccountForm):
    email: EmailStr = Field(max_length=254)


class ResetForm(_AccountForm):
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class RoleForm(_AccountForm):
    role: Role


class OrganizationForm(_AccountForm):
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


class NewOrganizationForm(_AccountForm):
    """Another business for the signed-in person (the organisations page)."""

    messages = {"name": lambda: _("Business name is required (at most 120 characters).")}
    name: str = Field(default="", min_length=1, max_length=120)


class SwitchOrganizationForm(_AccountForm):
    """The organisation picked in the switcher: one of the person's, by id."""

    organization_id: WholeNumber


def _local_path(value: Any) -> str:
    """A path on this site to go to after a post; "/" for anything else (another site's address,
    "//host", "/\\host", control characters), so a crafted link cannot send a person elsewhere."""
    text = value.strip() if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return "/"
    return text[:2000]


def _known_locale(value: Any) -> str:
    return normalize_locale(value if isinstance(value, str) else None)


LocalPath = Annotated[str, BeforeValidator(_local_path)]
"""Where to go next: a path on this site; any other value (or none) becomes "/"."""


class NextForm(_AccountForm):
    """The page to return to, carried by the login form and the language switch (never an error)."""

    next: LocalPath = "/"


class LanguageForm(NextForm):
    """The language switch: a known locale (anything else: English) and the page to return to."""

    locale: Annotated[str, BeforeValidator(_known_locale)] = "en"
