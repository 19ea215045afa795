"""Which locations a store sells from. That is listings' allocation (listings sits above stores), so
the store page reads and sets it through the two functions app/wiring.py registers here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from app.core.tenancy import Tenant

ReadStoreLocations = Callable[[Tenant, Iterable[int]], Awaitable[dict[int, frozenset[int]]]]
SetStoreLocations = Callable[[Tenant, int, Iterable[int]], Awaitable[frozenset[int]]]

_read: ReadStoreLocations | None = None
_set: SetStoreLocations | None = None


def register_store_locations(read: ReadStoreLocations, write: SetStoreLocations) -> None:
    global _read, _set
    _read, _set = read, write


async def store_locations(tenant: Tenant, store_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """The locations each store lists (stores that list none are absent: they get every location)."""
    if _read is None:
        raise RuntimeError("no store locations registered: call app.wiring.register_listeners() first")
    return await _read(tenant, store_ids)


async def set_store_locations(tenant: Tenant, store_id: int, location_ids: Iterable[int]) -> frozenset[int]:
    """Offer the store the stock of these locations only (none: every location); ValidationFailed
    and nothing changes when one is not an active location of the organisation."""
    if _set is None:
        raise RuntimeError("no store locations registered: call app.wiring.register_listeners() first")
    return await _set(tenant, store_id, location_ids)
