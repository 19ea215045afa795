"""The seller's Website page: the shop's settings, and which products it sells at what price."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response, Template

from app.core.errors import ValidationFailed
from app.core.i18n import _, ngettext
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.website import payment_port, services
from app.domains.website.shop import forget_cached_shops


class WebsiteController(Controller):
    path = "/website"
    include_in_schema = False

    async def _page(self, request: Request, tenant: Tenant, *, form: dict | None = None, errors: dict | None = None,
                    status_code: int = 200) -> Template:
        settings = await services.settings_of(tenant)
        values = dict(form) if form is not None else {
            **settings, "province_rates": services.province_rates_text(settings["province_rates"] or {}),
            "enabled": "on" if settings["enabled"] else "", "cors_origins": settings["cors_origins"],
            "preferred_for_last_units": "on" if settings["preferred_for_last_units"] else ""}
        return render(request, "website/index.html", settings=settings, form=values, errors=errors or {},
                      products=await services.website_products(tenant),
                      methods=await payment_port.enabled_methods(tenant.organization_id), status_code=status_code)

    @get("/", name="website:index")
    async def index(self, request: Request, tenant: Tenant) -> Template:
        return await self._page(request, tenant)

    @post("/", name="website:save", opt={"permission": Permission.STORES_MANAGE})
    async def save(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            await services.update_settings(tenant, data)
        except ValidationFailed as exc:
            return await self._page(request, tenant, form=data, errors=exc.errors, status_code=422)
        forget_cached_shops()
        flash(request, _("Website settings saved."))
        return redirect_after_post(request, "/website/")

    @post("/products", name="website:products", opt={"permission": Permission.CATALOG_EDIT})
    async def products(self, request: Request, tenant: Tenant) -> Response:
        form = await request.form()
        ids = []
        for value in form.getall("product", []):
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                continue
        action = form.get("action")
        if action not in ("add", "remove") or not ids:
            flash(request, _("Tick some products, then choose Show or Hide."), "error")
            return redirect_after_post(request, "/website/?list=1#products")
        changed = await services.set_on_website(tenant, ids, action == "add")
        flash(request, ngettext("%(num)s product now on the website.", "%(num)s products now on the website.", changed)
              if action == "add" else ngettext("%(num)s product taken off the website.",
                                               "%(num)s products taken off the website.", changed))
        return redirect_after_post(request, "/website/?list=1#products")

    @post("/prices/{variant_id:int}", name="website:price", opt={"permission": Permission.CATALOG_EDIT})
    async def price(self, request: Request, tenant: Tenant, variant_id: int) -> Response:
        data = await form_data(request)
        try:
            await services.set_website_price(tenant, variant_id, data.get("price", ""))
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, "/website/?list=1#products")
        flash(request, _("Website price saved."))
        return redirect_after_post(request, "/website/?list=1#products")
