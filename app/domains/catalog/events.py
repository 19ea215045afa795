"""What the catalog tells the other domains (app.core.events)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.events import Event


@dataclass(frozen=True)
class CatalogPricesChanged(Event):
    """A product's prices may have changed (emitted after its update committed): stores that take
    catalog prices want the new ones. A listener failing does not undo the saved product."""

    organization_id: int
    contained = True


@dataclass(frozen=True)
class ProductChanged(Event):
    """A product was created, edited, archived or restored (emitted after the change committed)."""

    organization_id: int
    product_id: int
    action: str  # created, updated, archived, restored
    contained = True
