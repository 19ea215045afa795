"""The words fulfillment rows are in."""

from __future__ import annotations

from enum import StrEnum

from app.core.i18n import N_
from app.core.statuses import Labelled


class ScanOutcome(StrEnum):
    COUNTED = "counted"
    WRONG = "wrong"  # not an item of this order
    SURPLUS = "surplus"  # every unit of that item is already scanned
    UNKNOWN = "unknown"  # no variant has this barcode or SKU


class ShipmentStatus(Labelled):
    ARRANGING = "arranging"  # claimed: the adapter call is under way
    AWAITING_TRACKING = "awaiting_tracking"  # arranged on the marketplace, no tracking number yet
    SHIPPED = "shipped"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"arranging": N_("Arranging shipment"), "awaiting_tracking": N_("Waiting for the tracking number"),
                "shipped": N_("Shipped")}


class ShipMode(Labelled):
    PICKUP = "pickup"
    DROPOFF = "dropoff"
    MANUAL = "manual"  # a courier booked by hand; tracking number typed

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"pickup": N_("Courier pickup"), "dropoff": N_("Drop-off"), "manual": N_("Own courier")}


class ActionKind(StrEnum):
    CANCEL = "cancel"  # cancel the order on the marketplace
    SHIP = "ship"  # arrange the shipment on the marketplace


class ActionStatus(StrEnum):
    PENDING = "pending"  # recorded; a job calls the marketplace after the commit
    DONE = "done"
    FAILED = "failed"


class LabelSize(Labelled):
    """The paper StoreSync's own labels are printed on."""

    THERMAL = "thermal"  # one 100 x 150 mm label per page (thermal label printers)
    A4 = "a4"  # four labels on an A4 sheet (office printers), cut along the frames

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"thermal": N_("Thermal 100 × 150 mm"), "a4": N_("A4 sheet, 4 labels")}
