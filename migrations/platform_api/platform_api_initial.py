"""Platform API: the initial schema. API keys of the REST API."""

from piccolo.columns.base import OnDelete
from piccolo.columns.column_types import JSON, ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T12:31:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "platform_api: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class ApiKey(Table, tablename="api_key"):
    organization = ForeignKey(Organization, index=True, null=False)
    name = Varchar(length=80)
    prefix = Varchar(length=16, unique=True)
    secret_hash = Varchar(length=64, secret=True)
    scopes = JSON(default=[])
    allowed_ips = JSON(default=[])
    expires_at = Timestamptz(default=None, null=True)
    created_by = ForeignKey(BaseUser, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    rotated_at = Timestamptz(default=None, null=True)
    last_used_at = Timestamptz(default=None, null=True)
    last_used_ip = Varchar(length=64, default=None, null=True)
    revoked_at = Timestamptz(default=None, null=True, index=True)


async def forwards():
    migration = Migration(ID, "platform_api", DESCRIPTION)
    migration.create_tables(ApiKey)
    return migration
