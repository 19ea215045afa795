"""Domain events -> outbound webhook events: app.wiring subscribes `relay("order.created")` to the
orders' OrderCreated, and so on; the event's fields (but its organisation) become the payload's data."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.domains.webhooks import services

log = logging.getLogger(__name__)
_relays: dict[str, Callable[[list[Any]], Awaitable[None]]] = {}


def relay(event_type: str) -> Callable[[list[Any]], Awaitable[None]]:
    """The batch listener (app.core.events.subscribe_batch) that publishes events (dataclasses with
    `organization_id`) as `event_type`: one burst of 500 order events costs one endpoint lookup.
    The same function for the same type, so subscribing it twice changes nothing."""
    if event_type not in _relays:
        async def publish(events: list[Any]) -> None:
            await services.publish_many(event_type, [
                (event.organization_id, {k: v for k, v in dataclasses.asdict(event).items() if k != "organization_id"})
                for event in events])

        publish.__name__ = f"relay_{event_type.replace('.', '_')}"
        _relays[event_type] = publish
    return _relays[event_type]
