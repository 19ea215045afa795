"""A seller with an open website shop and products on it, through the real services."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.tenancy import Tenant
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.website import services
from app.domains.website.shop import forget_cached_shops
from tests.inventory.factories import make_tenant, make_variant
from tests.support import unique

VILLAGE = "32.01.01.1001"  # Pondok Rajeg, Cibinong, Kabupaten Bogor, Jawa Barat 16914


@dataclass
class SeededShop:
    tenant: Tenant
    slug: str
    variant: dict
    location_id: int


def form(slug: str, **changes: str) -> dict[str, str]:
    """The settings form as a browser submits it (checkboxes absent when unticked)."""
    data = {"enabled": "on", "title": "Toko Uji", "slug": slug, "domain": "", "whatsapp": "0812 3456 7890",
            "logo_url": "", "banner_url": "", "primary_colour": "#0f766e", "accent_colour": "#f59e0b",
            "about": "Kaos lokal.", "contact": "Jl. Mawar 1", "hold_hours": "24", "stock_buffer": "0",
            "stock_percent": "100", "shipping_mode": "flat", "flat_rate": "15000", "province_rates": "",
            "cors_origins": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def seeded_shop(units: int = 5, *, price: int = 125_000, name: str = "Kaos Polos", **settings: str) -> SeededShop:
    tenant = await make_tenant()
    variant = await make_variant(tenant, price=price, name=name)
    location = await default_location(tenant)
    if units:
        await stock.receive(tenant, variant["id"], location["id"], units)
    slug = unique("toko-")
    await services.settings_of(tenant)
    await services.update_settings(tenant, form(slug, **settings))
    await services.set_on_website(tenant, [variant["product"]], True)
    forget_cached_shops()
    return SeededShop(tenant, slug, variant, location["id"])


def buyer(phone: str = "0812 1111 2222", **changes) -> dict:
    body = {"buyer": {"name": "Siti Aminah", "phone": phone, "email": ""},
            "address": {"line": "Jl. Melati 5 RT 01/RW 02", "village_code": VILLAGE}, "payment_method": "cod"}
    body.update(changes)
    return body
