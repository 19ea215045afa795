from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization


class ApiKey(Table):
    """A key another program uses to call the REST API (/api/v1) for one organisation. Only the
    hash of its secret is kept; the secret was shown once, when made or rotated."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=80, help_text="What the seller calls it, e.g. Accounting export.")
    prefix = Varchar(length=16, unique=True, help_text="The visible start of the key (ssk_<prefix>_...), to find it.")
    secret_hash = Varchar(length=64, secret=True, help_text="SHA-256 of the whole key; the key itself is never stored.")
    scopes = JSON(default=[], help_text='What it may do, e.g. ["orders:read", "inventory:write"].')
    allowed_ips = JSON(default=[], help_text="Addresses or networks it may call from; empty: any.")
    expires_at = Timestamptz(null=True, default=None, help_text="Refused after this moment; empty: never expires.")
    created_by = ForeignKey(BaseUser, null=True, on_delete=OnDelete.set_null,
                            help_text="Who made it; the key outlives its maker leaving.")
    created_at = Timestamptz(default=TimestamptzNow())
    rotated_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None, help_text="Updated at most once a minute.")
    last_used_ip = Varchar(length=64, null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None, index=True, help_text="Refused from this moment on.")
