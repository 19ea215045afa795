"""Where an own label says the parcel comes from: the pickup address of the location it leaves.

Shipping stores a pickup address per location, and shipping sits above fulfillment, so fulfillment
names here what it needs and app/wiring.py registers shipping's implementation
(`shipping.pickup_addresses`) with `register_pickup_addresses`. Without one (or for a location with
no address yet) a label names the location's code, as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.core.tenancy import Tenant


@dataclass(frozen=True, slots=True)
class PickupAddress:
    """A location's pickup address as a label prints it."""

    contact_name: str
    phone: str
    address: str
    postal_code: str

    def lines(self) -> str:
        """One line: who, the street and postal code, the phone (blank parts left out)."""
        street = " ".join(p for p in (self.address.strip(), self.postal_code.strip()) if p)
        return ", ".join(p for p in (self.contact_name.strip(), street, self.phone.strip()) if p)


PickupLookup = Callable[[Tenant], Awaitable[dict[str, PickupAddress]]]

_lookup: PickupLookup | None = None


def register_pickup_addresses(lookup: PickupLookup) -> None:
    global _lookup
    _lookup = lookup


async def pickup_addresses(tenant: Tenant) -> dict[str, PickupAddress]:
    """Pickup addresses by location code (only locations that have one)."""
    return await _lookup(tenant) if _lookup is not None else {}
