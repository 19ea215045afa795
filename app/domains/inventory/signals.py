"""'Available changed' signal, raised after a stock operation commits.

The change itself is also written to the StockChange outbox in the same transaction, so a
listener that misses a signal (process crash, queue down) loses nothing: the sync engine's sweep
reads the outbox. The signal is the event `AvailableChanged`; its listeners are subscribed by
`app.wiring.register_listeners()` and must be quick (enqueue, not work).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from app.core.database import after_commit
from app.core.events import Event, emit

log = logging.getLogger(__name__)
_held: ContextVar[set[int] | None] = ContextVar("held_available_changed", default=None)


@dataclass(frozen=True)
class AvailableChanged(Event):
    """Some variant's available quantity changed in this organisation (emitted after the commit).
    A listener failing must not fail the stock operation: the outbox remains."""

    organization_id: int
    contained = True


@asynccontextmanager
async def held() -> AsyncIterator[None]:
    """Inside the block, 'available changed' is collected and raised once per organisation when
    the block ends: wrap it around a transaction that makes many stock changes (a page of orders),
    so listeners hear of them once, and only after the commit."""
    if _held.get() is not None:  # an outer block raises them
        yield
        return
    pending: set[int] = set()
    token = _held.set(pending)
    try:
        yield
    finally:
        _held.reset(token)
        for organization_id in sorted(pending):
            await available_changed(organization_id)


async def available_changed(organization_id: int) -> None:
    """Tell the listeners, once the current transaction (if any) has committed: a listener
    enqueues a job, which is network I/O and must not read the outbox before the commit."""
    pending = _held.get()
    if pending is not None:
        pending.add(organization_id)
        return
    await after_commit(functools.partial(emit, AvailableChanged(organization_id)))
