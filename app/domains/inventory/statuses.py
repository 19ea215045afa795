from app.core.i18n import N_
from app.core.statuses import Labelled


class MovementKind(Labelled):
    RECEIVE = "receive"  # goods in (purchase, initial stock, import)
    ADJUST = "adjust"  # correction with a reason
    RESERVE = "reserve"  # an order awaits shipment
    RELEASE = "release"  # a reservation is given back (cancel)
    COMMIT = "commit"  # shipped: reserved units leave on hand
    RETURN = "return"  # a return received back into stock
    WRITE_OFF = "write_off"  # damaged, lost
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    COUNT = "count"  # stock opname posted

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"receive": N_("Received"), "adjust": N_("Adjustment"), "reserve": N_("Reserved for an order"),
                "release": N_("Reservation released"), "commit": N_("Shipped"), "return": N_("Returned"),
                "write_off": N_("Written off"), "transfer_out": N_("Transfer out"), "transfer_in": N_("Transfer in"),
                "count": N_("Stock count")}


class CountStatus(Labelled):
    OPEN = "open"
    POSTED = "posted"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"open": N_("In progress"), "posted": N_("Posted")}
