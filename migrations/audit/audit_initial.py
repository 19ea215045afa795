"""Audit: the initial schema. The audit log.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from piccolo.columns.column_types import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class AuditEntry(Table, tablename="audit_entry"):
    organization = ForeignKey(Organization, index=True)
    actor = ForeignKey(BaseUser)
    action = Varchar(length=64)
    entity = Varchar(length=64)
    entity_id = Integer(default=None, null=True)
    before = JSON(default=None, null=True)
    after = JSON(default=None, null=True)
    ip = Varchar(length=64, default=None, null=True)
    created_at = Timestamptz(index=True)


async def forwards():
    migration = Migration(ID, "audit", DESCRIPTION)
    migration.create_tables(AuditEntry)
    return migration
