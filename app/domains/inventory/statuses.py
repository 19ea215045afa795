from enum import StrEnum


class MovementKind(StrEnum):
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
