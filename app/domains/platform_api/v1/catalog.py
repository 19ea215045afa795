"""/api/v1/products and /api/v1/variants: the catalog, through the catalog's own services."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import Parameter

from app.core.errors import NotFound
from app.core.tenancy import Tenant
from app.domains import catalog
from app.domains.platform_api.v1.models import (
    CatalogProductOut,
    CatalogVariantOut,
    Page,
    ProductIn,
    ProductPatch,
    decode_cursor,
    next_cursor,
)

Limit = Annotated[int, Parameter(ge=1, le=500, description="Items per page (1-500).")]
READ, WRITE = {"api_scope": "catalog:read"}, {"api_scope": "catalog:write"}


async def _product(tenant: Tenant, product_id: int) -> CatalogProductOut:
    rows = await catalog.product_page(tenant, product_ids=[product_id], limit=1)
    if not rows:
        raise NotFound("Product not found.")
    return CatalogProductOut.model_validate(rows[0])


def _form(data: dict) -> catalog.ProductForm:
    """The catalog's own form, so the API refuses exactly what the product page refuses."""
    return catalog.ProductForm.parse(data)


class ProductsApi(Controller):
    path = "/products"
    tags = ["catalog"]

    @get("/", opt=READ, summary="A page of products with their variants")
    async def list_products(self, tenant: Tenant, cursor: str | None = None, limit: Limit = 100,
                            q: str = "") -> Page[CatalogProductOut]:
        rows = await catalog.product_page(tenant, after=decode_cursor(cursor), limit=limit, q=q)
        return Page[CatalogProductOut](items=[CatalogProductOut.model_validate(r) for r in rows], next_cursor=next_cursor(rows, limit))

    @get("/{product_id:int}", opt=READ, summary="One product with its variants")
    async def get_product(self, tenant: Tenant, product_id: int) -> CatalogProductOut:
        return await _product(tenant, product_id)

    @post("/", opt=WRITE, summary="Create a product with its variants (SKUs unique in the organisation)")
    async def create_product(self, tenant: Tenant, data: ProductIn) -> CatalogProductOut:
        product_id = await catalog.create_product(tenant, _form(data.model_dump()))
        return await _product(tenant, product_id)

    @patch("/{product_id:int}", opt=WRITE, summary="Change a product's fields (and, when sent, its variants)")
    async def update_product(self, tenant: Tenant, product_id: int, data: ProductPatch) -> CatalogProductOut:
        current = await _product(tenant, product_id)
        sent = data.model_dump(exclude_unset=True)
        merged = {"name": current.name, "brand": current.brand, "category": current.category,
                  "description": current.description,
                  "variants": [v.model_dump(exclude={"product", "is_bundle", "archived"}) for v in current.variants
                               if not v.archived]}
        merged.update({k: v for k, v in sent.items() if v is not None})
        await catalog.update_product(tenant, current.id, _form(merged))
        return await _product(tenant, product_id)


class VariantsApi(Controller):
    path = "/variants"
    tags = ["catalog"]

    @get("/{variant_id:int}", opt=READ, summary="One variant")
    async def get_variant(self, tenant: Tenant, variant_id: int) -> CatalogVariantOut:
        row = await catalog.variant_detail(tenant, variant_id)
        if row is None:
            raise NotFound("Variant not found.")
        return CatalogVariantOut.model_validate(row)
