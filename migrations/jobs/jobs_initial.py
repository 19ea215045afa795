"""Jobs: the initial schema. Background jobs as people see them (progress, outcome).

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "jobs: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class BackgroundJob(Table, tablename="background_job"):
    organization = ForeignKey(Organization, null=False, index=True)
    kind = Varchar(length=64)
    label = Varchar(length=200)
    saq_key = Varchar(length=120, unique=True)
    status = Varchar(
        length=16,
        default="queued",
        choices=Enum(
            "JobStatus",
            {
                "QUEUED": "queued",
                "ACTIVE": "active",
                "COMPLETE": "complete",
                "FAILED": "failed",
                "ABORTED": "aborted",
                "CANCELLED": "cancelled",
            },
        ),
    )
    done = Integer()
    total = Integer()
    errors = Integer()
    result = JSON(default=None, null=True)
    error = Text(default=None, null=True)
    parameters = JSON(default=None, null=True)
    created_by = ForeignKey(BaseUser)
    created_at = Timestamptz(index=True)
    finished_at = Timestamptz(default=None, null=True)


async def forwards():
    migration = Migration(ID, "jobs", DESCRIPTION)
    migration.create_tables(BackgroundJob)
    return migration
