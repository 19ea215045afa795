"""Factories for catalog and inventory rows, through the real services."""

from __future__ import annotations

from app.core.tenancy import Actor, Tenant
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, get_product
from app.domains.inventory.locations import create_location
from tests.support import Account, make_account, unique


def tenant_of(account: Account) -> Tenant:
    return Tenant(account.org_id, Actor(account.user_id, "127.0.0.1", account.email))


async def make_tenant() -> Tenant:
    return tenant_of(await make_account())


async def make_variant(tenant: Tenant, *, sku: str | None = None, price: int = 125_000, name: str = "Kaos Polos",
                       barcode: str = "") -> dict:
    sku = sku or unique("SKU-").upper()
    form = ProductForm(name=name, brand="Lokal", category="Fashion",
                       variants=[VariantForm(sku=sku, price=price, barcode=barcode, attributes={"size": "L"})])
    product_id = await create_product(tenant, form)
    _product, variants = await get_product(tenant, product_id)
    return variants[0]


async def make_location(tenant: Tenant, code: str | None = None) -> dict:
    code = code or unique("L")[:10].upper()
    return await create_location(tenant, f"Gudang {code}", code)
