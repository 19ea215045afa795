from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.jobs.tables import BackgroundJob


class SyncLog(Table):
    """One line of sync history: a push of a listing, an import, a failure in a seller's words."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    background_job = ForeignKey(BackgroundJob, null=True, index=True)
    store_id = Integer(null=True, default=None, index=True, help_text="Store the line is about.")
    listing_id = Integer(null=True, default=None, index=True)
    variant_id = Integer(null=True, default=None, index=True)
    action = Varchar(length=32, help_text="push, import, reconcile, error ...")
    level = Varchar(length=8, default="info", help_text="info, warning or error")
    quantity = Integer(null=True, default=None, help_text="Quantity sent, for pushes.")
    previous_quantity = Integer(null=True, default=None, help_text="What the listing had before a push.")
    message = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
