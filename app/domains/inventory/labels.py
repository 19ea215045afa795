"""What people call inventory rows, for pages that show other domains' records (audit, history)."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.tenancy import Tenant
from app.domains.inventory.tables import Location


async def location_names(tenant: Tenant, location_ids: Iterable[int]) -> dict[int, str]:
    """{location id: name} for the organisation's locations among ``location_ids`` (inactive ones too)."""
    ids = sorted({int(i) for i in location_ids})
    if not ids:
        return {}
    rows = await tenant.scoped(Location).select(Location.id, Location.name).where(Location.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}
