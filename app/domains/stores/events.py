"""What stores tells the other domains (app.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event


@dataclass(frozen=True)
class StoreOfferChanged(Event):
    """A store's settings changed what it should be offered (its locations): push its stock again.
    Emitted after the change committed."""

    organization_id: int
    store_id: int
    contained = True


@dataclass(frozen=True)
class StorePricesWanted(Event):
    """A store's prices should be sent: asked by the seller (`force`: every listing), or its price
    settings changed. Emitted after the change committed."""

    organization_id: int
    store_id: int
    force: bool = False
    contained = True
