"""Events between domains: one domain says what happened, another reacts, neither imports the other.

An event is a small frozen dataclass deriving from `Event`. `emit()` awaits every listener of its
type in the order they subscribed, in this process, inside whatever transaction is open: a
listener that writes rows writes them in the emitter's transaction (an organisation and its first
warehouse commit together). A listener must never do network I/O there; one that must (enqueue a
job, send mail) is reached through an event emitted after the commit (inventory's
`AvailableChanged` is, by `after_commit`).

Listeners are subscribed explicitly at start-up by `app.wiring.register_listeners()`, never as a
side effect of importing a module.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E", bound="Event")
Listener = Callable[[Any], Awaitable[None]]


@dataclass(frozen=True)
class Event:
    """Base of every event. `contained = True` on a subclass: a failing listener is logged and the
    others still run (reactions after a commit, which must not fail what already happened);
    otherwise its error propagates to the emitter (and rolls its transaction back)."""

    contained: ClassVar[bool] = False


_listeners: dict[type[Event], list[Listener]] = {}
# Listeners that take every event of a burst at once (a list): one query for 500 orders, not 500.
_batch_listeners: dict[type[Event], list[Listener]] = {}


def subscribe(event_type: type[E], listener: Callable[[E], Awaitable[None]]) -> None:
    """Call `listener(event)` on every `emit` of this event type; subscribing twice is a no-op."""
    listeners = _listeners.setdefault(event_type, [])
    if listener not in listeners:
        listeners.append(listener)


def subscribe_batch(event_type: type[E], listener: Callable[[list[E]], Awaitable[None]]) -> None:
    """Call `listener(events)` with the events of this type that `emit_all` announces together
    (a list of one for a plain `emit`); subscribing twice is a no-op."""
    listeners = _batch_listeners.setdefault(event_type, [])
    if listener not in listeners:
        listeners.append(listener)


def unsubscribe(event_type: type[E], listener: Callable[..., Awaitable[None]]) -> None:
    for registry in (_listeners, _batch_listeners):
        listeners = registry.get(event_type, [])
        if listener in listeners:
            listeners.remove(listener)


def listeners_of(event_type: type[Event]) -> list[Listener]:
    return list(_listeners.get(event_type, ())) + list(_batch_listeners.get(event_type, ()))


async def emit(event: Event) -> None:
    """Await each listener of this event's type in subscription order (batch listeners get a list of one)."""
    await emit_all([event])


async def emit_all(events: Sequence[Event]) -> None:
    """Emit several events: each plain listener is awaited once per event, in order; each batch
    listener once per event type with that type's events."""
    for event in events:
        for listener in _listeners.get(type(event), ()):
            await _call(listener, event, type(event))
    by_type: dict[type[Event], list[Event]] = {}
    for event in events:
        by_type.setdefault(type(event), []).append(event)
    for event_type, group in by_type.items():
        for listener in _batch_listeners.get(event_type, ()):
            await _call(listener, group, event_type)


async def _call(listener: Listener, argument: Any, event_type: type[Event]) -> None:
    if not event_type.contained:
        await listener(argument)
        return
    try:
        await listener(argument)
    except Exception:
        log.exception("listener %s of %s failed", getattr(listener, "__name__", listener), event_type.__name__)


def clear() -> None:
    """Forget every subscription (a test that wires its own listeners)."""
    _listeners.clear()
    _batch_listeners.clear()
