"""'Available changed' signal, raised after a stock operation commits.

The change itself is also written to the StockChange outbox in the same transaction, so a
listener that misses a signal (process crash, queue down) loses nothing: the sync engine's sweep
reads the outbox. Listeners register at import time; they must be quick (enqueue, not work).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
Listener = Callable[[int], Awaitable[None]]
_listeners: list[Listener] = []


def on_available_changed(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


async def available_changed(organization_id: int) -> None:
    for listener in _listeners:
        try:
            await listener(organization_id)
        except Exception:  # a listener failing must not fail the stock operation; the outbox remains
            log.exception("available-changed listener %s failed", getattr(listener, "__name__", listener))
