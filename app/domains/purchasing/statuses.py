from app.core.i18n import N_
from app.core.statuses import Labelled


class PurchaseStatus(Labelled):
    """draft -> ordered -> partly received -> received; draft or ordered -> cancelled."""

    DRAFT = "draft"
    ORDERED = "ordered"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CANCELLED = "cancelled"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"draft": N_("Draft"), "ordered": N_("Ordered"), "partly_received": N_("Partly received"),
                "received": N_("Received"), "cancelled": N_("Cancelled")}


OPEN_STATUSES = (PurchaseStatus.ORDERED, PurchaseStatus.PARTLY_RECEIVED)  # goods still coming: "incoming"


class Allocation(Labelled):
    """How freight and other landed costs are shared among a purchase order's lines."""

    VALUE = "value"
    QUANTITY = "quantity"
    WEIGHT = "weight"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"value": N_("By value"), "quantity": N_("By quantity"), "weight": N_("By weight")}
