"""What people call inventory rows, for pages that show other domains' records (audit, history)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from app.core.tenancy import Tenant
from app.domains.inventory.tables import Location


async def location_names(tenant: Tenant, location_ids: Iterable[int]) -> dict[int, str]:
    """{location id: name} for the organisation's locations among ``location_ids`` (inactive ones too)."""
    ids = sorted({int(i) for i in location_ids})
    if not ids:
        return {}
    rows = await tenant.scoped(Location).select(Location.id, Location.name).where(Location.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


# A movement's reference ("order:28") is named by the domain that owns it, registered by app.wiring
# (inventory imports none of them): its prefix -> {id: name}.
ReferenceNamer = Callable[[Tenant, Iterable[int]], Awaitable[dict[int, str]]]
_reference_namers: dict[str, ReferenceNamer] = {}


def name_references(prefix: str, namer: ReferenceNamer) -> None:
    _reference_namers[prefix] = namer


async def reference_names(tenant: Tenant, prefix: str, ids: Iterable[int]) -> dict[int, str]:
    """{id: name} of the records behind references "<prefix>:<id>" ({} when nobody names them)."""
    namer = _reference_namers.get(prefix)
    return await namer(tenant, ids) if namer is not None else {}
