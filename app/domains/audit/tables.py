from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization


class AuditEntry(Table):
    """One change a person made. Append-only."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=True, index=True, help_text="Empty for sign-up and login events.")
    actor = ForeignKey(BaseUser, null=True)
    action = Varchar(length=64, help_text="What happened, e.g. member.invited.")
    entity = Varchar(length=64, help_text="Kind of row changed.")
    entity_id = Integer(null=True, default=None)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    ip = Varchar(length=64, null=True, default=None)
    api_key = Integer(null=True, default=None, help_text="The API key that acted (no person); its id in api_key.")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
