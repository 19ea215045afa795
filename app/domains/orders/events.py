"""What orders tell the other domains (app.core.events), each emitted once its change committed.

They are `contained`: a listener failing (the outbound webhooks, say) never fails the order."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from app.core.database import after_commit
from app.core.events import Event, emit_all


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
