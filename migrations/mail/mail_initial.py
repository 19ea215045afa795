"""Mail: the initial schema. Outgoing mail (the outbox a job sends from).

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "mail: initial schema"


class OutgoingMail(Table, tablename="outgoing_mail"):
    organization_id = Integer(default=None, null=True, index=True)
    recipient = Varchar(length=254)
    subject = Varchar(length=300)
    body = Text(secret=True)
    status = Varchar(
        length=16,
        default="pending",
        index=True,
        choices=Enum("MailStatus", {"PENDING": "pending", "SENT": "sent", "FAILED": "failed"}),
    )
    attempts = Integer()
    next_attempt_at = Timestamptz(index=True)
    last_error = Text()
    created_at = Timestamptz()
    sent_at = Timestamptz(default=None, null=True)


async def forwards():
    migration = Migration(ID, "mail", DESCRIPTION)
    migration.create_tables(OutgoingMail)
    return migration
