from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    ABORTED = "aborted"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.ABORTED)
