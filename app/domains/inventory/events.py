"""What inventory tells the other domains (app.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event
from app.core.tenancy import Tenant


@dataclass(frozen=True)
class LocationDeactivating(Event):
    """A location is about to be deactivated; a listener that raises (a Conflict saying why)
    keeps it active. Emitted before anything changed."""

    tenant: Tenant
    location_id: int
    code: str
