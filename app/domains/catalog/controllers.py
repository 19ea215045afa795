"""Products and variants: list with search and filters, create, edit, archive."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import File, Response

from app.core.errors import NotFound, ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.media import MAX_BYTES, image_path
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, wants_fragment
from app.domains.catalog import services, stock_view
from app.domains.catalog.events import CatalogPricesChanged
from app.domains.catalog.images import set_variant_image
from app.domains.catalog.schemas import BundleForm, product_form_from


def _blank_variant() -> dict:
    return {"sku": "", "barcode": "", "name": "", "price": "", "cost": "", "weight_grams": 0, "length_cm": 0, "width_cm": 0,
            "height_cm": 0, "reorder_point": 0,
            "attributes": {}}


class ProductsController(Controller):
    path = "/products"

    @get("/", name="catalog:index", opt={"page_cache": True})
    async def index(self, request: Request, tenant: Tenant, q: str = "", brand: str = "", category: str = "",
                    stock: str = "", after: int | None = None, archived: bool = False) -> Response:
        page = await services.search_variants(tenant, q, after=after, brand=brand, category=category,
                                              include_archived=archived)
        availability = await stock_view.availability(tenant, page.rows)
        rows = [dict(r, **availability.get(r["id"], {"on_hand": 0, "reserved": 0, "available": 0})) for r in page.rows]
        if stock == "out":
            rows = [r for r in rows if r["available"] <= 0]
        elif stock == "low":
            rows = [r for r in rows if 0 < r["available"] <= r["reorder_point"]]
        fragment = "catalog/_rows.html" if after else "catalog/_results.html"
        # a fragment (the next rows, or results for the filter form) leaves the form and its facets in place
        facets = {} if wants_fragment(request) else await services.facets(tenant)
        return render(request, "catalog/index.html", fragment=fragment, rows=rows, next_after=page.next_after,
                      filters={"q": q, "brand": brand, "category": category, "stock": stock, "archived": archived},
                      facets=facets)

    @get("/new", name="catalog:new", opt={"permission": Permission.CATALOG_EDIT})
    async def new(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "catalog/form.html", product=None,
                      form={"variants": [_blank_variant()]}, errors={})

    @get("/variant-row", name="catalog:variant_row", opt={"permission": Permission.CATALOG_EDIT})
    async def variant_row(self, request: Request, tenant: Tenant, index: int = 0) -> Response:
        return render(request, "catalog/_variant_row.html", index=max(0, min(index, 199)), v=_blank_variant(),
                      errors={})

    @post("/", name="catalog:create", opt={"permission": Permission.CATALOG_EDIT})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            product_id = await services.create_product(tenant, product_form_from(data))
        except ValidationFailed as exc:
            return render(request, "catalog/form.html", fragment="catalog/_form.html", status_code=422,
                          product=None, form=_redisplay(data), errors=exc.errors)
        flash(request, _("Product created."))
        return redirect_after_post(request, f"/products/{product_id}")

    @get("/{product_id:int}", name="catalog:show")
    async def show(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        product, variants = await services.get_product(tenant, product_id)
        stock_rows = await stock_view.levels_by_location(tenant, [v["id"] for v in variants])
        return render(request, "catalog/show.html", product=product, variants=variants, stock_rows=stock_rows,
                      bundles=await services.bundle_components(tenant, [v["id"] for v in variants]),
                      bundle_errors={},
                      form={"variants": variants, "name": product.name, "brand": product.brand,
                            "category": product.category, "description": product.description}, errors={})

    @post("/{product_id:int}", name="catalog:update", opt={"permission": Permission.CATALOG_EDIT})
    async def update(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        product, _variants = await services.get_product(tenant, product_id)
        data = await form_data(request)
        try:
            await services.update_product(tenant, product_id, product_form_from(data))
            await emit(CatalogPricesChanged(tenant.organization_id))  # stores taking catalog prices get changed ones
        except ValidationFailed as exc:
            return render(request, "catalog/show.html", fragment="catalog/_form.html", status_code=422,
                          product=product, form=_redisplay(data), errors=exc.errors)
        flash(request, _("Product saved."))
        return redirect_after_post(request, f"/products/{product_id}")

    @post("/{product_id:int}/variants/{variant_id:int}/bundle", name="catalog:bundle",
          opt={"permission": Permission.CATALOG_EDIT})
    async def bundle(self, request: Request, tenant: Tenant, product_id: int, variant_id: int) -> Response:
        product, variants = await services.get_product(tenant, product_id)
        if variant_id not in {v["id"] for v in variants}:
            raise NotFound(_("Variant not found."))
        try:
            components = BundleForm.parse(await form_data(request)).components
            await services.set_bundle(tenant, variant_id, components)
        except ValidationFailed as exc:
            flash(request, " ".join(exc.errors.values()), "error")
            return redirect_after_post(request, f"/products/{product_id}")
        flash(request, _("Bundle saved.") if components else _("The variant is no longer a bundle."))
        return redirect_after_post(request, f"/products/{product_id}")

    @post("/{product_id:int}/variants/{variant_id:int}/image", name="catalog:variant_image",
          opt={"permission": Permission.CATALOG_EDIT}, request_max_body_size=MAX_BYTES + 64 * 1024)
    async def variant_image(self, request: Request, tenant: Tenant, product_id: int, variant_id: int) -> Response:
        """Upload a variant's photo (multipart field "image"); a refused file changes nothing."""
        form = await request.form()
        upload = form.get("image")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
        try:
            await set_variant_image(tenant, product_id, variant_id, data)
        except ValidationFailed as exc:
            flash(request, " ".join(exc.errors.values()), "error")
        else:
            flash(request, _("Photo saved."))
        return redirect_after_post(request, f"/products/{product_id}")

    @post("/{product_id:int}/archive", name="catalog:archive", opt={"permission": Permission.CATALOG_EDIT})
    async def archive(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        await services.set_archived(tenant, product_id, True)
        flash(request, _("Product archived. Its history stays."))
        return redirect_after_post(request, f"/products/{product_id}")

    @post("/{product_id:int}/restore", name="catalog:restore", opt={"permission": Permission.CATALOG_EDIT})
    async def restore(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        await services.set_archived(tenant, product_id, False)
        flash(request, _("Product restored."))
        return redirect_after_post(request, f"/products/{product_id}")


def _redisplay(data: dict[str, str]) -> dict:
    """The submitted form, shaped like the template expects, so nothing typed is lost."""
    import re

    variants: dict[int, dict] = {}
    for key, value in data.items():
        match = re.fullmatch(r"variants-(\d+)-(\w+)", key)
        if match:
            row = variants.setdefault(int(match.group(1)), {"attributes": {}})
            if match.group(2) in ("colour", "size"):
                row["attributes"][match.group(2)] = value
            else:
                row[match.group(2)] = value
    form: dict[str, Any] = {k: data.get(k, "") for k in ("name", "brand", "category", "description")}
    form["variants"] = [variants[i] for i in sorted(variants)] or [_blank_variant()]
    return form


class MediaController(Controller):
    """Uploaded photos, each visible only to the organisation that uploaded it."""

    path = "/media"

    @get("/{media_name:str}", name="media:file")
    async def file(self, tenant: Tenant, media_name: str) -> File:
        path = image_path(tenant.organization_id, media_name)
        if path is None:
            raise NotFound(_("Photo not found."))
        return File(path=path, media_type="image/webp", content_disposition_type="inline",
                    headers={"Cache-Control": "private, max-age=31536000, immutable"})
