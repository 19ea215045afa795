from app.core.i18n import N_
from app.core.statuses import Labelled


class MappingStatus(Labelled):
    MAPPED = "mapped"
    UNMAPPED = "unmapped"  # waits in the queue for a person
    IGNORED = "ignored"  # the seller chose not to sync it

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"mapped": N_("Mapped"), "unmapped": N_("Unmapped"), "ignored": N_("Ignored")}
