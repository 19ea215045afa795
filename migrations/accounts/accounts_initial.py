"""Accounts: the initial schema. Organisations, their members and invitations, password resets and user preferences.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class BaseUser(Table, tablename="piccolo_user"):
    pass


class Organization(Table, tablename="organization"):
    name = Varchar(length=120)
    timezone = Varchar(length=64, default="Asia/Jakarta")
    currency = Varchar(length=3, default="IDR")
    created_at = Timestamptz()


class PasswordReset(Table, tablename="password_reset"):
    user = ForeignKey(BaseUser, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(default=None, null=True)


class UserPreference(Table, tablename="user_preference"):
    user = ForeignKey(BaseUser, null=False, unique=True)
    locale = Varchar(length=8, default="en")
    last_organization = ForeignKey(Organization)


class Invitation(Table, tablename="invitation"):
    organization = ForeignKey(Organization, null=False, index=True)
    email = Varchar(length=254)
    role = Varchar(
        length=16,
        default="member",
        choices=Enum(
            "Role",
            {
                "OWNER": "owner",
                "ADMIN": "admin",
                "MEMBER": "member",
                "VIEWER": "viewer",
                "WAREHOUSE": "warehouse",
            },
        ),
    )
    token_hash = Varchar(length=64, unique=True, secret=True)
    invited_by = ForeignKey(BaseUser)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    accepted_at = Timestamptz(default=None, null=True)
    revoked = Boolean()


class Membership(Table, tablename="membership"):
    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    role = Varchar(
        length=16,
        default="member",
        choices=Enum(
            "Role",
            {
                "OWNER": "owner",
                "ADMIN": "admin",
                "MEMBER": "member",
                "VIEWER": "viewer",
                "WAREHOUSE": "warehouse",
            },
        ),
    )
    created_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "accounts", DESCRIPTION)
    migration.create_tables(Organization, PasswordReset, UserPreference, Invitation, Membership)
    return migration
