"""Plan limits without the domains knowing about plans: a domain about to add one more of a
limited thing (a store, a member, a location) says so with `before_adding`, and a listener (the
billing domain's, subscribed in app.wiring) refuses by raising a Conflict that says why. Nothing
is refused when nobody listens. Only additions ask: incoming orders and stock pushes never do.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event, emit


@dataclass(frozen=True)
class Adding(Event):
    """`organization_id` is about to have `current + 1` of `resource` (stores, members, locations);
    a listener that raises keeps it from happening. Emitted before anything changed."""

    organization_id: int
    resource: str
    current: int


async def before_adding(organization_id: int, resource: str, current: int) -> None:
    """Ask the listeners whether one more `resource` is allowed; their Conflict propagates."""
    await emit(Adding(organization_id, resource, current))
