"""OrdersChanged: orders were placed or changed (state, amounts), told after the commit."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from app.core.database import after_commit
from app.core.events import Event, emit


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
