"""Domain events -> outbound webhook events: app.wiring subscribes `relay("order.created")` to the
orders' OrderCreated, and so on; the event's fields (but its organisation) become the payload's data."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.domains.webhooks import services

log = logging.getLogger(__name__)
_relays: dict[str, Callable[[Any], Awaitable[None]]] = {}


def relay(event_type: str) -> Callable[[Any], Awaitable[None]]:
    """The listener that publishes an event (a dataclass with `organization_id`) as `event_type`;
    the same function for the same type, so subscribing it twice changes nothing."""
    if event_type not in _relays:
        async def publish(event: Any) -> None:
            data = {k: v for k, v in dataclasses.asdict(event).items() if k != "organization_id"}
            await services.publish(event.organization_id, event_type, data)

        publish.__name__ = f"relay_{event_type.replace('.', '_')}"
        _relays[event_type] = publish
    return _relays[event_type]
