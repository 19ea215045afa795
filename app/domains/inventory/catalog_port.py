"""Inventory's side of the catalog's stock port (app/domains/catalog/stock_port.py): what the
catalog's spreadsheet import and export and its demo data do with stock, registered by
app/wiring.py."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.tenancy import Tenant
from app.domains.catalog import Count, Level, Place
from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.locations import create_location, default_location, list_locations


class CatalogStock:
    max_quantity = stock.MAX_QUANTITY

    async def locations(self, tenant: Tenant, *, active_only: bool = True) -> list[Place]:
        return [Place(r.id, r.code) for r in await list_locations(tenant, active_only=active_only)]

    async def default_location_id(self, tenant: Tenant) -> int:
        return (await default_location(tenant)).id

    async def create_location(self, tenant: Tenant, name: str, code: str) -> int:
        return (await create_location(tenant, name, code)).id

    async def levels(self, tenant: Tenant, variant_ids: Iterable[int]) -> list[Level]:
        return [Level(lv.variant_id, lv.location_id, lv.on_hand, lv.reserved)
                for lv in await stock.levels(tenant, variant_ids)]

    async def count_many(self, tenant: Tenant, counts: Iterable[Count], *, reference: str,
                         reason: str) -> dict[tuple[int, int], str | None]:
        lines = [stock.Line(c.variant_id, c.location_id, c.quantity) for c in counts]
        counted = await stock.count_many(tenant, lines, reference=reference, reason=reason)
        return {key: result.message if isinstance(result, InsufficientStock) else None
                for key, result in counted.items()}

    async def receive(self, tenant: Tenant, variant_id: int, location_id: int, quantity: int, *,
                      reason: str) -> None:
        await stock.receive(tenant, variant_id, location_id, quantity, reason=reason)


catalog_stock = CatalogStock()
