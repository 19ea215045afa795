"""One state model for every channel, and what each marketplace status means in it.

README.md shows the same mapping as a table; tests/orders/test_states.py walks it.
"""

from __future__ import annotations

from enum import StrEnum

from app.integrations.base import OrderStatus as PlatformStatus


class OrderState(StrEnum):
    UNPAID = "unpaid"
    READY_TO_SHIP = "ready_to_ship"  # paid: stock is reserved
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"  # stock deducted
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # reservation released
    RETURNED = "returned"


class StockState(StrEnum):
    NONE = "none"
    RESERVED = "reserved"
    COMMITTED = "committed"
    RELEASED = "released"


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
