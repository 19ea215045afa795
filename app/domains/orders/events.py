"""What orders tell the other domains (app.core.events), each emitted once its change committed.

They are `contained`: a listener failing (the outbound webhooks, say) never fails the order.
OrdersChanged (placed or changed orders, for the money rollups) is emitted with them."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from app.core.database import after_commit
from app.core.events import Event, emit, emit_all


@dataclass(frozen=True)
class OrderCreated(Event):
    """An order arrived from a channel or was typed in."""

    organization_id: int
    order_id: int
    channel: str
    state: str
    contained = True


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    """An order moved from one state to another."""

    organization_id: int
    order_id: int
    from_state: str
    to_state: str
    contained = True


@dataclass(frozen=True)
class ShipmentUpdated(Event):
    """An order's shipment got its courier and tracking number."""

    organization_id: int
    order_id: int
    carrier: str
    tracking_number: str
    contained = True


async def announce(*events: Event) -> None:
    """Emit these once the current transaction commits (at once outside one), as one burst."""
    if events:
        await after_commit(functools.partial(emit_all, list(events)))


@dataclass(frozen=True)
class OrdersChanged(Event):
    """These orders of one organisation were created or changed; ``completed`` lists those that
    became completed. Emitted after the commit; a failing listener is logged (the orders stay)."""

    contained = True

    organization_id: int
    order_ids: tuple[int, ...]
    completed: tuple[int, ...] = ()


async def orders_changed(organization_id: int, order_ids: list[int] | tuple[int, ...],
                         completed: list[int] | tuple[int, ...] = ()) -> None:
    """Tell the listeners once the current transaction (if any) has committed."""
    if order_ids:
        await after_commit(functools.partial(emit, OrdersChanged(organization_id, tuple(order_ids),
                                                                 tuple(completed))))
