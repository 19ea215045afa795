from app.core.i18n import N_
from app.core.statuses import Labelled


class JobStatus(Labelled):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    ABORTED = "aborted"  # stopped by the system (its worker died and it may not run again)
    CANCELLED = "cancelled"  # stopped by a person

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"queued": N_("Waiting"), "active": N_("Running"), "complete": N_("Done"), "failed": N_("Failed"),
                "aborted": N_("Stopped"), "cancelled": N_("Cancelled")}

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.ABORTED, JobStatus.CANCELLED)

    @property
    def cancellable(self) -> bool:
        return self in (JobStatus.QUEUED, JobStatus.ACTIVE)

    @property
    def retryable(self) -> bool:
        return self in (JobStatus.FAILED, JobStatus.ABORTED, JobStatus.CANCELLED)
