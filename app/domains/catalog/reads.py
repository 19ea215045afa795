"""What other domains read of the catalog's tables, as functions (they never query them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains.catalog.tables import BundleComponent, Variant


async def bundle_parts(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, list[tuple[int, int]]] | None:
    """{bundle id: [(component id, units per bundle)]} for the bundles among these variants, in two
    queries; None when one of the ids is not this organisation's variant."""
    variant_ids = sorted(set(variant_ids))
    found = await tenant.scoped(Variant).select(Variant.id, Variant.is_bundle).where(Variant.id.is_in(variant_ids))
    if len(found) != len(variant_ids):
        return None
    bundles = {r["id"] for r in found if r["is_bundle"]}
    parts: dict[int, list[tuple[int, int]]] = {}
    if bundles:
        for r in await tenant.scoped(BundleComponent).select(
                BundleComponent.bundle, BundleComponent.component, BundleComponent.quantity).where(
                BundleComponent.bundle.is_in(sorted(bundles))).order_by(BundleComponent.component):
            parts.setdefault(r["bundle"], []).append((r["component"], r["quantity"]))
    return parts


async def owns_variants(tenant: Tenant, variant_ids: Sequence[int]) -> bool:
    """Every one of these (distinct) ids is a variant of this organisation."""
    return await tenant.scoped(Variant).count().where(Variant.id.is_in(list(variant_ids))) == len(variant_ids)


async def reorder_points(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, dict]:
    """{variant id: {id, sku, reorder_point}} for the non-bundle variants among these that have one."""
    return {r["id"]: r for r in await tenant.scoped(Variant).select(Variant.id, Variant.sku, Variant.reorder_point).where(
        Variant.id.is_in(list(variant_ids)) & (Variant.reorder_point > 0) & (Variant.is_bundle == False))}  # noqa: E712


async def plain_variant_skus(tenant: Tenant) -> list[str]:
    """The SKUs of the organisation's variants that are not bundles."""
    rows = await tenant.scoped(Variant).select(Variant.sku).where(Variant.is_bundle == False)  # noqa: E712
    return [r["sku"] for r in rows]


@dataclass(frozen=True, slots=True)
class ActiveProduct:
    id: int
    name: str
    category: str


async def active_products(tenant: Tenant, product_ids: Sequence[int] | None = None) -> list[ActiveProduct]:
    """The organisation's active products (id, name, category), by name; only these ids when given."""
    from app.domains.catalog.tables import Product

    query = tenant.scoped(Product).select(Product.id, Product.name, Product.category).where(Product.status == "active")
    if product_ids is not None:
        query = query.where(Product.id.is_in(list(product_ids) or [0]))
    return from_rows(ActiveProduct, await query.order_by(Product.name))


async def products_exist(tenant: Tenant, product_ids: Sequence[int]) -> bool:
    """Every one of these (distinct) ids is a product of this organisation."""
    from app.domains.catalog.tables import Product

    return await tenant.scoped(Product).count().where(Product.id.is_in(list(product_ids) or [0])) == len(product_ids)


@dataclass(frozen=True, slots=True)
class LiveVariant:
    """A variant on sale (not archived, of an active product)."""

    id: int
    product: int
    product_name: str
    sku: str
    name: str
    price: int
    image_url: str
    attributes: dict[str, Any]
    is_bundle: bool


# live_variants in raw SQL: every page of the shop and every checkout asks it, and Piccolo's select
# with a join costs more CPU to build than the database takes to answer
_LIVE_VARIANTS = ("SELECT v.id, v.product, p.name AS product_name, v.sku, v.name, v.price, v.image_url, v.attributes,"
                  " v.is_bundle FROM variant v JOIN product p ON p.id = v.product"
                  " WHERE v.organization = {} AND NOT v.archived AND p.status = {}")


async def live_variants(tenant: Tenant, *, product_ids: Sequence[int] | None = None,
                        variant_ids: Sequence[int] | None = None) -> list[LiveVariant]:
    """Variants not archived of active products (of these products, or these ids), in id order."""
    sql, args = _LIVE_VARIANTS, [tenant.organization_id, "active"]
    for column, ids in (("v.product", product_ids), ("v.id", variant_ids)):
        if ids is not None:
            wanted = [int(i) for i in ids] or [0]
            sql += f" AND {column} IN ({', '.join('{}' for _ in wanted)})"
            args += wanted
    rows = await Variant.raw(sql + " ORDER BY v.id", *args)
    return [LiveVariant(r["id"], r["product"], r["product_name"], r["sku"], r["name"], r["price"], r["image_url"],
                        _json_object(r["attributes"]), bool(r["is_bundle"])) for r in rows]


def _json_object(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value) if value else None
    return dict(value or {})


async def parcel_sizes(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, tuple[int, int, int, int]]:
    """{variant id: (weight g, length, width, height cm)} for these variants of the organisation."""
    return {r["id"]: (r["weight_grams"], r["length_cm"], r["width_cm"], r["height_cm"])
            for r in await tenant.scoped(Variant).select(
                Variant.id, Variant.weight_grams, Variant.length_cm, Variant.width_cm, Variant.height_cm).where(
                Variant.id.is_in(sorted(set(variant_ids)) or [-1]))}


API_PRODUCT_COLUMNS = ("id", "name", "brand", "category", "description", "status", "created_at", "updated_at")
API_VARIANT_COLUMNS = ("id", "product", "sku", "barcode", "name", "attributes", "price", "cost", "weight_grams",
                       "image_url", "reorder_point", "is_bundle", "archived")


async def product_page(tenant: Tenant, *, after: int = 0, limit: int = 100, q: str = "",
                       product_ids: Sequence[int] | None = None) -> list[dict]:
    """Products with id > after (ascending, at most `limit`), each with its variants under
    "variants"; `q` matches name, SKU, barcode, brand or category (case-insensitive)."""
    from app.domains.catalog.tables import Product

    query = tenant.scoped(Product).select(*[Product._meta.get_column_by_name(c) for c in API_PRODUCT_COLUMNS]).where(
        Product.id > after)
    if product_ids is not None:
        query = query.where(Product.id.is_in(list(product_ids) or [-1]))
    if q.strip():
        matching = tenant.scoped(Variant).select(Variant.product).where(Variant.search_text.like(f"%{q.strip().lower()}%"))
        query = query.where(Product.id.is_in(matching))
    products = await query.order_by(Product.id).limit(limit)
    ids = [p["id"] for p in products]
    variants = await tenant.scoped(Variant).select(
        *[Variant._meta.get_column_by_name(c) for c in API_VARIANT_COLUMNS]).where(
        Variant.product.is_in(ids or [-1])).order_by(Variant.id).output(load_json=True)
    by_product: dict[int, list[dict]] = {}
    for v in variants:
        by_product.setdefault(v["product"], []).append(v)
    return [{**p, "variants": by_product.get(p["id"], [])} for p in products]


async def variant_detail(tenant: Tenant, variant_id: int) -> dict | None:
    """One variant's API fields, None when not of this organisation."""
    return await tenant.scoped(Variant).select(*[Variant._meta.get_column_by_name(c) for c in API_VARIANT_COLUMNS]).where(
        Variant.id == variant_id).output(load_json=True).first()
