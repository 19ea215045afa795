from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    ABORTED = "aborted"  # stopped by the system (its worker died and it may not run again)
    CANCELLED = "cancelled"  # stopped by a person

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.ABORTED, JobStatus.CANCELLED)

    @property
    def cancellable(self) -> bool:
        return self in (JobStatus.QUEUED, JobStatus.ACTIVE)

    @property
    def retryable(self) -> bool:
        return self in (JobStatus.FAILED, JobStatus.ABORTED, JobStatus.CANCELLED)
