"""What a key may do: read or write, per area of the API. A write scope includes reading."""

from __future__ import annotations

from app.core.i18n import N_

AREAS: dict[str, str] = {
    "catalog": N_("Catalog"),
    "inventory": N_("Inventory"),
    "orders": N_("Orders"),
    "fulfillment": N_("Fulfillment"),
    "reports": N_("Reports"),
}
ACCESS: dict[str, str] = {"read": N_("Read"), "write": N_("Read and write")}
ALL_SCOPES = tuple(f"{area}:{access}" for area in AREAS for access in ACCESS)


def allows(scopes: list[str] | tuple[str, ...], wanted: str) -> bool:
    """True when `scopes` grant `wanted` ("orders:read" is granted by orders:read or orders:write)."""
    area, _sep, access = wanted.partition(":")
    return wanted in scopes or (access == "read" and f"{area}:write" in scopes)


def normalized(chosen: list[str]) -> list[str]:
    """The chosen scopes, known ones only, one per area (write wins over read), in a fixed order."""
    picked = set(chosen)
    return [f"{area}:{access}" for area in AREAS for access in ("write", "read")
            if f"{area}:{access}" in picked and not (access == "read" and f"{area}:write" in picked)]
