"""Orders ready for the warehouse, made through the real services."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.services import create_manual_order
from tests.inventory.factories import make_variant
from tests.support import unique


async def stocked_variant(tenant: Tenant, units: int = 50, **kwargs) -> dict:
    variant = await make_variant(tenant, barcode=kwargs.pop("barcode", unique("899")[:13]), **kwargs)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], units)
    return variant


async def ready_order(tenant: Tenant, lines: list[tuple[dict, int]], customer: str = "Siti Aminah") -> int:
    """A manual order, ready to ship with its stock reserved."""
    return await create_manual_order(tenant, customer_name=customer, phone="+62 812 0000 1111",
                                     address="Jl. Melati 5, Bandung", lines=[(v["sku"], q) for v, q in lines])
