"""Sync: the initial schema. The sync log.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from piccolo.columns.column_types import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:08:000000"
VERSION = "1.38.0"
DESCRIPTION = "sync: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BackgroundJob(Table, tablename="background_job"):
    pass


class SyncLog(Table, tablename="sync_log"):
    organization = ForeignKey(Organization, null=False, index=True)
    background_job = ForeignKey(BackgroundJob, index=True)
    store_id = Integer(default=None, null=True, index=True)
    listing_id = Integer(default=None, null=True, index=True)
    variant_id = Integer(default=None, null=True, index=True)
    action = Varchar(length=32)
    level = Varchar(length=8, default="info")
    quantity = Integer(default=None, null=True)
    previous_quantity = Integer(default=None, null=True)
    message = Text()
    created_at = Timestamptz(index=True)


async def forwards():
    migration = Migration(ID, "sync", DESCRIPTION)
    migration.create_tables(SyncLog)
    return migration
