"""Notifications: the initial schema. Notifications, who has read them, and notification preferences.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from piccolo.columns.column_types import Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:11:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class NotificationRead(Table, tablename="notification_read"):
    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    last_read_id = Varchar(length=20, default="0")


class Notification(Table, tablename="notification"):
    organization = ForeignKey(Organization, null=False, index=True)
    kind = Varchar(length=32)
    message = Text()
    link = Varchar(length=300)
    dedupe_key = Varchar(length=120, index=True)
    created_at = Timestamptz(index=True)


class NotificationPreference(Table, tablename="notification_preference"):
    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    kind = Varchar(length=32)
    in_app = Boolean(default=True)
    email = Boolean()


async def forwards():
    migration = Migration(ID, "notifications", DESCRIPTION)
    migration.create_tables(NotificationRead, Notification, NotificationPreference)
    return migration
