"""Publish a product to a store: the targets fragment on the product page, the form, the result."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import form_data, render
from app.domains import catalog, stores
from app.domains.publishing import services
from app.integrations import errors


class PublishingController(Controller):
    path = "/publish"
    opt = {"permission": Permission.CATALOG_EDIT}

    @get("/products/{product_id:int}/targets", name="publishing:targets")
    async def targets(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        """Lazy fragment of the product page: the active stores it can be published to."""
        product, _variants = await catalog.get_product(tenant, product_id)
        active = await stores.active_stores(tenant)
        return render(request, "publishing/_targets.html", product=product, stores=active,
                      labels={s.platform: stores.platform_label(s.platform) for s in active})

    async def _form(self, request: Request, tenant: Tenant, product_id: int, store_id: int, *,
                    category_id: str | None = None, form: dict | None = None, errors: dict | None = None,
                    status_code: int = 200) -> Response:
        proposal = await services.propose(tenant, product_id, store_id, category_id=category_id)
        values = services.form_values(proposal)
        values.update(form or {})
        return render(request, "publishing/form.html", status_code=status_code, proposal=proposal,
                      store=await stores.store_view(tenant, store_id), form=values, errors=errors or {})

    @get("/products/{product_id:int}/stores/{store_id:int}", name="publishing:form")
    async def show(self, request: Request, tenant: Tenant, product_id: int, store_id: int) -> Response:
        category_id = (request.query_params.get("category_id") or "").strip()[:32] or None
        try:
            return await self._form(request, tenant, product_id, store_id, category_id=category_id)
        except ValidationFailed as exc:
            return render(request, "publishing/refused.html", status_code=422, errors=exc.errors,
                          product_id=product_id)
        except errors.IntegrationError as exc:
            # The marketplace could not be asked for its categories: the page says so (try again later).
            return render(request, "publishing/refused.html", errors={"platform": _(str(exc.seller_message))},
                          product_id=product_id)

    @post("/products/{product_id:int}/stores/{store_id:int}", name="publishing:publish")
    async def publish(self, request: Request, tenant: Tenant, product_id: int, store_id: int) -> Response:
        data = await form_data(request)
        try:
            published = await services.publish(tenant, product_id, store_id, data)
        except ValidationFailed as exc:
            category_id = (data.get("category_id") or "").strip()[:32] or None
            try:
                return await self._form(request, tenant, product_id, store_id, category_id=category_id, form=data,
                                        errors=exc.errors, status_code=422)
            except ValidationFailed as again:
                return render(request, "publishing/refused.html", status_code=422, errors=again.errors,
                              product_id=product_id)
            except errors.IntegrationError as down:
                return render(request, "publishing/refused.html", status_code=422,
                              errors={"platform": _(str(down.seller_message))}, product_id=product_id)
        return render(request, "publishing/done.html", published=published, product_id=product_id,
                      store=await stores.store_view(tenant, store_id))
