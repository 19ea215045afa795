"""What the catalog's spreadsheet import and export and its demo data do with stock.

Stock is inventory's, and inventory sits above the catalog (it needs the catalog's variants and
bundles), so the catalog names here what it needs and app/wiring.py registers inventory's
implementation (`inventory.catalog_stock`) with `register_stock_port`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.core.tenancy import Tenant


@dataclass(frozen=True, slots=True)
class Place:
    """A stock location as a spreadsheet names it."""

    id: int
    code: str


@dataclass(frozen=True, slots=True)
class Level:
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class Count:
    """A counted quantity of one variant at one location."""

    variant_id: int
    location_id: int
    quantity: int


class StockPort(Protocol):
    max_quantity: int

    async def locations(self, tenant: Tenant, *, active_only: bool = True) -> list[Place]:
        """The organisation's locations, by code."""

    async def default_location_id(self, tenant: Tenant) -> int:
        """The first warehouse (created when there is none)."""

    async def create_location(self, tenant: Tenant, name: str, code: str) -> int: ...

    async def levels(self, tenant: Tenant, variant_ids: Iterable[int]) -> Sequence[Level]: ...

    async def count_many(self, tenant: Tenant, counts: Iterable[Count], *, reference: str,
                         reason: str) -> dict[tuple[int, int], str | None]:
        """Post the counted quantities at once; per (variant, location) None, or why the count was
        refused (counted below what is reserved) — a refused count changes nothing."""

    async def receive(self, tenant: Tenant, variant_id: int, location_id: int, quantity: int, *,
                      reason: str) -> None: ...


_port: StockPort | None = None


def register_stock_port(port: StockPort) -> None:
    global _port
    _port = port


def stock() -> StockPort:
    if _port is None:
        raise RuntimeError("no stock port registered: call app.wiring.register_listeners() first")
    return _port
