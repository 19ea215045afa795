"""What other domains read of the catalog's tables, as functions (they never query them)."""

from __future__ import annotations

from collections.abc import Sequence

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
