from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.jobs.statuses import JobStatus


class BackgroundJob(Table):
    """A piece of background work of one organisation, mirrored from its SAQ job."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    kind = Varchar(length=64, help_text="Task name, e.g. demo_count or import_listings.")
    label = Varchar(length=200, help_text="What the person sees.")
    saq_key = Varchar(length=120, unique=True, help_text="Key of the SAQ job in Redis.")
    status = Varchar(length=16, choices=JobStatus, default=JobStatus.QUEUED)
    done = Integer(default=0)
    total = Integer(default=0)
    errors = Integer(default=0)
    result = JSON(null=True, default=None)
    error = Text(null=True, default=None)
    parameters = JSON(null=True, default=None,
                   help_text="What the job was asked: task keyword arguments, timeout, retries (Retry repeats it).")
    created_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    finished_at = Timestamptz(null=True, default=None)
