"""What people call catalog rows, for pages that show other domains' records (audit, history)."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.tenancy import Tenant
from app.domains.catalog.tables import Product, Variant


async def variant_skus(tenant: Tenant, variant_ids: Iterable[int]) -> dict[int, str]:
    """{variant id: SKU} for the organisation's variants among ``variant_ids``."""
    ids = sorted({int(i) for i in variant_ids})
    if not ids:
        return {}
    rows = await tenant.scoped(Variant).select(Variant.id, Variant.sku).where(Variant.id.is_in(ids))
    return {r["id"]: r["sku"] for r in rows}


async def variant_titles(tenant: Tenant, variant_ids: Iterable[int]) -> dict[int, str]:
    """{variant id: "Product Variant"} (the parts that are not empty; '' when both are)."""
    ids = sorted({int(i) for i in variant_ids})
    if not ids:
        return {}
    rows = await tenant.scoped(Variant).select(Variant.id, Variant.name, Variant.product.name.as_alias("product")
                                               ).where(Variant.id.is_in(ids))
    return {r["id"]: " ".join(part.strip() for part in (r["product"] or "", r["name"] or "") if part.strip())
            for r in rows}


async def product_names(tenant: Tenant, product_ids: Iterable[int]) -> dict[int, str]:
    """{product id: name} for the organisation's products among ``product_ids``."""
    ids = sorted({int(i) for i in product_ids})
    if not ids:
        return {}
    rows = await tenant.scoped(Product).select(Product.id, Product.name).where(Product.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}
