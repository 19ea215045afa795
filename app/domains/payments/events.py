"""PaymentSettled and its listeners: a tiny registry (no app.core.events yet), wired by create_app."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentSettled:
    """Money arrived for a payment: emitted exactly once per payment (the one that set settled_at)."""

    org_id: int
    order_id: int
    payment_id: int
    amount: int
    method: str


Listener = Callable[[PaymentSettled], Awaitable[None]]
_listeners: list[Listener] = []


def on_payment_settled(callback: Listener) -> None:
    """Call `callback(event)` after each PaymentSettled (registered once at start-up)."""
    if callback not in _listeners:
        _listeners.append(callback)


def remove_listener(callback: Listener) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


async def emit(event: PaymentSettled) -> None:
    """Run every listener after the payment's transaction committed; one failing does not stop the rest."""
    for listener in list(_listeners):
        try:
            await listener(event)
        except Exception:
            log.exception("a PaymentSettled listener failed for payment %s", event.payment_id)
