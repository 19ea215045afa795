"""PaymentSettled, an app.core.events event, and the interface's `on_payment_settled` hook."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from app.core import events


@dataclass(frozen=True)
class PaymentSettled(events.Event):
    """Money arrived for a payment: emitted exactly once per payment (by the one update that set its
    settled_at), after that update committed. A failing listener is logged; the payment stays paid."""

    contained: ClassVar[bool] = True

    org_id: int
    order_id: int
    payment_id: int
    amount: int
    method: str


Listener = Callable[[PaymentSettled], Awaitable[None]]


def on_payment_settled(callback: Listener) -> None:
    """Subscribe `callback` to PaymentSettled (the interface's name for it; app.wiring may subscribe
    through app.core.events directly)."""
    events.subscribe(PaymentSettled, callback)


def remove_listener(callback: Listener) -> None:
    events.unsubscribe(PaymentSettled, callback)


async def emit(event: PaymentSettled) -> None:
    await events.emit(event)
