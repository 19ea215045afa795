from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization


class Notification(Table):
    """One event worth a person's attention, for everyone in the organisation."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    kind = Varchar(length=32, help_text="new_order, oversold, sync_failed, low_stock, late_order")
    message = Text(default="")
    link = Varchar(length=300, default="")
    dedupe_key = Varchar(length=120, default="", index=True, help_text="One notification per key (e.g. per order).")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class NotificationRead(Table):
    """Up to where a user has read the organisation's feed."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    last_read_id = Varchar(length=20, default="0")


class NotificationPreference(Table):
    """A user's choice per kind: in the app and/or by e-mail."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    kind = Varchar(length=32)
    in_app = Boolean(default=True)
    email = Boolean(default=False)
