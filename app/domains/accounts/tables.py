from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.core.statuses import Role


class Organization(Table):
    """The tenant: a seller's business. Every tenant-owned row points here."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    name = Varchar(length=120, help_text="Business name shown in the app.")
    timezone = Varchar(length=64, default="Asia/Jakarta", help_text="IANA zone used to show times.")
    currency = Varchar(length=3, default="IDR", help_text="ISO 4217 code of the organisation's money.")
    created_at = Timestamptz(default=TimestamptzNow())


class Membership(Table):
    """A user's place in an organisation, with one role."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    role = Varchar(length=16, choices=Role, default=Role.MEMBER, help_text="owner, admin, member, viewer, warehouse")
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table):
    """An e-mailed offer to join an organisation with a role; the token is single use."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    email = Varchar(length=254, help_text="Address the invitation was sent to.")
    role = Varchar(length=16, choices=Role, default=Role.MEMBER)
    token_hash = Varchar(length=64, unique=True, secret=True, help_text="SHA-256 of the link token.")
    invited_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    revoked = Boolean(default=False)


class PasswordReset(Table):
    """A single-use, short-lived password reset link."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    user = ForeignKey(BaseUser, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class UserPreference(Table):
    """Per-user choices that follow the person across organisations."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    user = ForeignKey(BaseUser, null=False, unique=True)
    locale = Varchar(length=8, default="en", help_text="UI language: en or id.")
    last_organization = ForeignKey(Organization, null=True, help_text="Organisation opened at login.")
