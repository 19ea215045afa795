"""What accounts tells the other domains (app.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event
from app.core.tenancy import Actor


@dataclass(frozen=True)
class OrganisationCreated(Event):
    """A new organisation exists (sign-up, or a further one of an existing user). Emitted inside
    the transaction that created it: a listener's rows commit with it, or nothing does."""

    organization_id: int
    actor: Actor
