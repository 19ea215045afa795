"""The words shipping rows are in, and how the aggregator's statuses map onto them.

README.md ("Shipping") shows the same mapping as a table.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.i18n import N_
from app.core.statuses import Labelled


class ShipmentState(Labelled):
    BOOKING = "booking"  # claimed: the aggregator is being asked now
    WAITING = "waiting"  # the aggregator was down: a job books it again
    BOOKED = "booked"  # waybill known, the courier has not got the parcel yet
    PICKED = "picked"  # the courier has the parcel (picked up or dropped off): the order is shipped
    IN_TRANSIT = "in_transit"
    FAILED = "failed"  # delivery failed, the parcel is coming back: a return is opened
    DELIVERED = "delivered"
    RETURNED = "returned"  # back at the seller
    CANCELLED = "cancelled"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"booking": N_("Booking the courier"), "waiting": N_("Waiting to book (courier unavailable)"),
                "booked": N_("Courier booked"), "picked": N_("Picked up by the courier"),
                "in_transit": N_("On the way"), "failed": N_("Delivery failed, coming back"),
                "delivered": N_("Delivered"), "returned": N_("Returned to the seller"),
                "cancelled": N_("Booking cancelled")}


# How far along a shipment is: a status never moves it to a lower rank, and the last rank is final.
RANK = {ShipmentState.BOOKING: 0, ShipmentState.WAITING: 0, ShipmentState.BOOKED: 1, ShipmentState.PICKED: 2,
        ShipmentState.IN_TRANSIT: 3, ShipmentState.FAILED: 4, ShipmentState.DELIVERED: 5,
        ShipmentState.RETURNED: 5, ShipmentState.CANCELLED: 5}
FINAL = {s for s, r in RANK.items() if r == 5}
ACTIVE = {ShipmentState.BOOKED, ShipmentState.PICKED, ShipmentState.IN_TRANSIT, ShipmentState.FAILED}

# The aggregator's status words -> our state (Biteship's list).
FROM_COURIER: dict[str, ShipmentState] = {
    "confirmed": ShipmentState.BOOKED, "scheduled": ShipmentState.BOOKED, "allocated": ShipmentState.BOOKED,
    "picking_up": ShipmentState.BOOKED, "picked": ShipmentState.PICKED, "dropping_off": ShipmentState.IN_TRANSIT,
    "on_hold": ShipmentState.IN_TRANSIT, "delivered": ShipmentState.DELIVERED,
    "return_in_transit": ShipmentState.FAILED, "returned": ShipmentState.RETURNED,
    "disposed": ShipmentState.RETURNED, "rejected": ShipmentState.CANCELLED, "cancelled": ShipmentState.CANCELLED,
    "courier_not_found": ShipmentState.CANCELLED,
}


class CourierStatus(Labelled):
    """The aggregator's status words as a person reads them on the tracking timeline."""

    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    ALLOCATED = "allocated"
    PICKING_UP = "picking_up"
    PICKED = "picked"
    DROPPING_OFF = "dropping_off"
    ON_HOLD = "on_hold"
    DELIVERED = "delivered"
    RETURN_IN_TRANSIT = "return_in_transit"
    RETURNED = "returned"
    DISPOSED = "disposed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COURIER_NOT_FOUND = "courier_not_found"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"confirmed": N_("Booking confirmed"), "scheduled": N_("Pickup scheduled"),
                "allocated": N_("Courier assigned"), "picking_up": N_("Courier on the way to pick up"),
                "picked": N_("Parcel picked up"), "dropping_off": N_("Parcel on the way to the buyer"),
                "on_hold": N_("Parcel on hold"), "delivered": N_("Parcel delivered"),
                "return_in_transit": N_("Delivery failed, returning"), "returned": N_("Parcel returned"),
                "disposed": N_("Parcel disposed"), "rejected": N_("Booking rejected"),
                "cancelled": N_("Booking cancelled"), "courier_not_found": N_("No courier found")}


class Verdict(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"  # older than what we know: recorded, state kept
    FORGED = "forged"
    UNKNOWN = "unknown"  # no shipment has this booking or waybill
    MALFORMED = "malformed"


class EventSource(StrEnum):
    BOOKING = "booking"
    WEBHOOK = "webhook"
    POLL = "poll"
