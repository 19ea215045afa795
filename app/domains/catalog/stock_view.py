"""The stock the product pages show: what each variant has available, and its levels per location.
Stock is inventory's, and inventory sits above the catalog, so app/wiring.py registers the two
readers here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from app.core.tenancy import Tenant

Availability = Callable[[Tenant, Iterable[dict]], Awaitable[dict[int, dict[str, int]]]]
LevelsByLocation = Callable[[Tenant, Iterable[int]], Awaitable[Sequence[Any]]]

_availability: Availability | None = None
_levels_by_location: LevelsByLocation | None = None


def register_stock_view(availability: Availability, levels_by_location: LevelsByLocation) -> None:
    global _availability, _levels_by_location
    _availability, _levels_by_location = availability, levels_by_location


async def availability(tenant: Tenant, variants: Iterable[dict]) -> dict[int, dict[str, int]]:
    """On hand, reserved and available per variant id (a bundle: what its components allow)."""
    if _availability is None:
        raise RuntimeError("no stock view registered: call app.wiring.register_listeners() first")
    return await _availability(tenant, variants)


async def levels_by_location(tenant: Tenant, variant_ids: Iterable[int]) -> Sequence[Any]:
    """Each variant's stock per location (location name and code, on hand, reserved)."""
    if _levels_by_location is None:
        raise RuntimeError("no stock view registered: call app.wiring.register_listeners() first")
    return await _levels_by_location(tenant, variant_ids)
