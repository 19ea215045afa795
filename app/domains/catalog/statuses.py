from app.core.i18n import N_
from app.core.statuses import Labelled


class ProductStatus(Labelled):
    ACTIVE = "active"
    ARCHIVED = "archived"  # kept because history (orders, ledger) refers to it

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"active": N_("Active"), "archived": N_("Archived")}
