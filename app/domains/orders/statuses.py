"""One state model for every channel, and what each marketplace status means in it.

README.md shows the same mapping as a table; tests/orders/test_states.py walks it.
"""

from __future__ import annotations

from app.core.i18n import N_, gettext
from app.core.statuses import Labelled
from app.integrations.base import OrderStatus as PlatformStatus


class OrderState(Labelled):
    UNPAID = "unpaid"
    READY_TO_SHIP = "ready_to_ship"  # paid: stock is reserved
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"  # stock deducted
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # reservation released
    RETURNED = "returned"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"unpaid": N_("Unpaid"), "ready_to_ship": N_("Ready to ship"), "picking": N_("Picking"),
                "packed": N_("Packed"), "shipped": N_("Shipped"), "delivered": N_("Delivered"),
                "completed": N_("Completed"), "cancelled": N_("Cancelled"), "returned": N_("Returned")}

    def action(self, current: str | None = None) -> str:
        """The words of the button that moves an order into this state (from `current`: going back a
        warehouse step reads "Back to picking", not "Start picking")."""
        members = list(OrderState)
        if current is not None and self in WAREHOUSE_STEPS and members.index(self) < members.index(OrderState(current)):
            return gettext({"ready_to_ship": N_("Back to ready to ship"), "picking": N_("Back to picking"),
                            "packed": N_("Back to packed")}[self.value])
        return gettext({"unpaid": N_("Mark unpaid"), "ready_to_ship": N_("Mark ready to ship"),
                        "picking": N_("Start picking"), "packed": N_("Mark packed"), "shipped": N_("Mark shipped"),
                        "delivered": N_("Mark delivered"), "completed": N_("Mark completed"),
                        "cancelled": N_("Cancel order"), "returned": N_("Mark returned, no restock")}[self.value])


class StockState(Labelled):
    NONE = "none"
    RESERVED = "reserved"
    COMMITTED = "committed"
    RELEASED = "released"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"none": N_("Not reserved"), "reserved": N_("Reserved"), "committed": N_("Deducted"),
                "released": N_("Released")}


class EventKind(Labelled):
    """What an entry of an order's timeline is about."""

    STATUS = "status"
    STOCK = "stock"
    NOTE = "note"
    OVERSOLD = "oversold"
    RETURN = "return"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"status": N_("Status"), "stock": N_("Stock"), "note": N_("Note"), "oversold": N_("Oversold"),
                "return": N_("Return")}


class ReturnStatus(Labelled):
    OPEN = "open"
    RECEIVED = "received"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"open": N_("Return open"), "received": N_("Return received")}


# The adapters fold each platform's statuses into PlatformStatus; this is the last step.
FROM_PLATFORM: dict[PlatformStatus, OrderState] = {
    PlatformStatus.UNPAID: OrderState.UNPAID,
    PlatformStatus.ON_HOLD: OrderState.UNPAID,  # TikTok's cancellation window: not ours to ship yet
    PlatformStatus.TO_SHIP: OrderState.READY_TO_SHIP,
    PlatformStatus.PROCESSED: OrderState.PACKED,
    PlatformStatus.SHIPPED: OrderState.SHIPPED,
    PlatformStatus.DELIVERED: OrderState.DELIVERED,
    PlatformStatus.COMPLETED: OrderState.COMPLETED,
    PlatformStatus.CANCEL_REQUESTED: OrderState.READY_TO_SHIP,  # still reserved until the platform decides
    PlatformStatus.CANCELLED: OrderState.CANCELLED,
    PlatformStatus.RETURNED: OrderState.RETURNED,
}

# Where stock must stand in each state.
NEEDS_RESERVATION = {OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED}
NEEDS_DEDUCTION = {OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED, OrderState.RETURNED}

# Local actions a person may take, from state -> allowed next states.
ALLOWED: dict[OrderState, set[OrderState]] = {
    OrderState.UNPAID: {OrderState.READY_TO_SHIP, OrderState.CANCELLED},
    OrderState.READY_TO_SHIP: {OrderState.PICKING, OrderState.PACKED, OrderState.SHIPPED, OrderState.CANCELLED},
    OrderState.PICKING: {OrderState.PACKED, OrderState.READY_TO_SHIP, OrderState.CANCELLED},
    OrderState.PACKED: {OrderState.SHIPPED, OrderState.PICKING, OrderState.CANCELLED},
    OrderState.SHIPPED: {OrderState.DELIVERED, OrderState.RETURNED},
    OrderState.DELIVERED: {OrderState.COMPLETED, OrderState.RETURNED},
    OrderState.COMPLETED: {OrderState.RETURNED},
    OrderState.CANCELLED: set(),
    OrderState.RETURNED: set(),
}


# The steps the warehouse takes on its own; everything else about a marketplace order (paid,
# cancelled, shipped, delivered) is the marketplace's word, asked through it.
WAREHOUSE_STEPS = {OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED}


# Forward progress of an order. A platform update that would move an order backwards along it
# (the platform says PROCESSED after we shipped, or AWAITING_SHIPMENT while we are picking) keeps
# the local state: the warehouse is ahead of the platform, not behind it.
PROGRESS = [OrderState.UNPAID, OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED,
            OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED]


def platform_move(current: OrderState, reported: OrderState) -> OrderState:
    """The state to keep when the platform reports `reported` for an order that is `current`."""
    if current in PROGRESS and reported in PROGRESS and PROGRESS.index(reported) < PROGRESS.index(current):
        return current
    return reported
