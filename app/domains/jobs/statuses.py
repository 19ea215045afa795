from app.core.i18n import N_
from app.core.statuses import Labelled


class JobStatus(Labelled):
    QUEUED = "queued"
    ACTIVE = "active"
    COMPLETE = "complete"
    FAILED = "failed"
    ABORTED = "aborted"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"queued": N_("Waiting"), "active": N_("Running"), "complete": N_("Done"), "failed": N_("Failed"),
                "aborted": N_("Stopped")}

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETE, JobStatus.FAILED, JobStatus.ABORTED)
