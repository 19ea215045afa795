"""HTTP surface of stores: the list, a store's page, connecting, status changes, settings, webhooks."""

from __future__ import annotations

import logging

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response

from app.core.auth import RequestContext, actor_of, client_ip
from app.core.errors import AppError, ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.inventory import list_locations
from app.domains.stores import connections, services, webhooks
from app.domains.stores.connections import HealthCheckFailed
from app.domains.stores.events import StoreOfferChanged, StorePricesWanted
from app.domains.stores.offer import set_store_locations, store_locations
from app.domains.stores.schemas import StoreLocationsForm, StoreSettingsForm, parse_platform
from app.integrations import errors as integration_errors
from app.integrations.base import Platform

log = logging.getLogger(__name__)
MANAGE = {"permission": Permission.STORES_MANAGE}


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    """The tenant with the person and IP filled in, for the audit trail."""
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


class StoresController(Controller):
    path = "/stores"

    @get("/", name="stores:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        stores = await services.list_stores(tenant)
        return render(request, "stores/index.html", fragment="stores/_store_list.html", stores=stores,
                      platforms=services.PLATFORM_LABELS, label=services.platform_label, tz=tenant.timezone)

    @get("/{store_id:int}", name="stores:detail")
    async def detail(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await services.store_view(tenant, store_id)
        return render(request, "stores/detail.html", store=store, form=store.settings(), errors={},
                      label=services.platform_label, tz=tenant.timezone,
                      **await _location_choices(tenant, store_id))

    @post("/{store_id:int}/locations", name="stores:locations", opt=MANAGE)
    async def locations(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        store = await services.store_view(tenant, store_id)
        try:
            chosen = StoreLocationsForm.parse_multi(await request.form()).location  # none ticked: every location
            await set_store_locations(acting(tenant, ctx, request), store_id, chosen)
        except ValidationFailed as exc:
            return render(request, "stores/detail.html", fragment="stores/_locations_form.html", status_code=422,
                          store=store, form=store.settings(), errors={}, location_errors=exc.errors, label=services.platform_label,
                          tz=tenant.timezone, **await _location_choices(tenant, store_id))
        await emit(StoreOfferChanged(tenant.organization_id, store_id))  # sync pushes its stock again
        flash(request, _("%(store)s now gets the stock of the chosen locations.", store=store.name))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/connect", name="stores:connect", opt=MANAGE)
    async def connect(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        platform = parse_platform((await form_data(request)).get("platform"))
        url = await connections.start_connection(acting(tenant, ctx, request), platform)
        return redirect_after_post(request, url)

    @get("/callback", name="stores:callback", opt=MANAGE)
    async def callback(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        query = request.query_params
        if not query.get("state"):  # opened directly, not a return from a marketplace
            return Redirect(path="/stores", status_code=303)
        try:
            connected = await connections.finish_connection(
                acting(tenant, ctx, request), state=query.get("state"), code=query.get("code"),
                shop_id=query.get("shop_id"))
        except AppError as exc:
            flash(request, exc.message, "error")
            return Redirect(path="/stores", status_code=303)
        for store_id, created in connected:
            store = await services.store_view(tenant, store_id)
            flash(request, (_("%(name)s is connected.") if created else _("%(name)s is reconnected."))
                  % {"name": store.name})
        return Redirect(path=f"/stores/{connected[0][0]}" if len(connected) == 1 else "/stores", status_code=303)

    @post("/{store_id:int}/reconnect", name="stores:reconnect", opt=MANAGE)
    async def reconnect(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        store = await services.get_store(tenant, store_id)
        url = await connections.start_connection(acting(tenant, ctx, request), Platform(store.platform))
        return redirect_after_post(request, url)

    @post("/{store_id:int}/pause", name="stores:pause", opt=MANAGE)
    async def pause(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        await services.pause(acting(tenant, ctx, request), store_id)
        flash(request, _("Store paused: nothing is synced until you resume it."))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/{store_id:int}/resume", name="stores:resume", opt=MANAGE)
    async def resume(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        await services.resume(acting(tenant, ctx, request), store_id)
        flash(request, _("Store resumed."))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/{store_id:int}/disconnect", name="stores:disconnect", opt=MANAGE)
    async def disconnect(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        await services.disconnect(acting(tenant, ctx, request), store_id)
        flash(request, _("Store disconnected. Its access was removed; its history is kept."))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/{store_id:int}/health", name="stores:health", opt=MANAGE)
    async def health(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        try:
            info = await connections.check_health(acting(tenant, ctx, request), store_id)
        except HealthCheckFailed as exc:
            flash(request, exc.message, "error")
        else:
            flash(request, _("%(name)s answered: the connection works.", name=info.name))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/{store_id:int}/prices", name="stores:push_prices", opt=MANAGE)
    async def push_prices(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        """Send every mapped listing its catalog price (with the markup) now."""
        store = await services.store_view(tenant, store_id)
        await emit(StorePricesWanted(tenant.organization_id, store_id, force=True))  # sync sends them
        flash(request, _("Prices are on their way to %(store)s; the Sync page shows each one.", store=store.name))
        return redirect_after_post(request, f"/stores/{store_id}")

    @post("/{store_id:int}/settings", name="stores:settings", opt=MANAGE)
    async def settings(self, request: Request, tenant: Tenant, ctx: RequestContext, store_id: int) -> Response:
        store = await services.store_view(tenant, store_id)
        data = await form_data(request)
        try:
            form = StoreSettingsForm.parse(data)
        except ValidationFailed as exc:
            return render(request, "stores/detail.html", fragment="stores/_settings_form.html", status_code=422,
                          store=store, form=data, errors=exc.errors, label=services.platform_label,
                          tz=tenant.timezone, **await _location_choices(tenant, store_id))
        changed = await services.update_settings(acting(tenant, ctx, request), store_id, form)
        if form.auto_push_prices and {"auto_push_prices", "price_markup_percent"} & set(changed):
            await emit(StorePricesWanted(tenant.organization_id, store_id))  # sync sends them
        flash(request, _("Store settings saved."))
        return redirect_after_post(request, f"/stores/{store_id}")


async def _location_choices(tenant: Tenant, store_id: int) -> dict:
    chosen = (await store_locations(tenant, [store_id])).get(store_id, frozenset())
    return {"locations": await list_locations(tenant), "chosen_locations": chosen}


class WebhooksController(Controller):
    """Marketplace notifications: public, CSRF-exempt, verified by signature, answered at once."""

    path = "/webhooks"
    opt = {"public": True}

    async def _receive(self, request: Request, platform: Platform) -> Response:
        body = await request.body()
        try:
            receipt = await webhooks.receive(platform, headers=dict(request.headers), body=body)
        except integration_errors.WebhookRejected as exc:
            # The body is not trusted, so it is not logged: only who sent how much.
            log.warning("rejected %s webhook from %s (%d bytes): %s", platform.value, client_ip(request),
                        len(body), exc.detail)
            return Response(content=b"", status_code=401)
        # A duplicate is acknowledged like a first delivery, so that the platform stops resending it.
        log.debug("%s webhook stored=%s duplicate=%s", platform.value, receipt.event_id, receipt.duplicate)
        return Response(content=b"", status_code=200)

    @post("/shopee", name="webhooks:shopee", status_code=200)
    async def shopee(self, request: Request) -> Response:
        return await self._receive(request, Platform.SHOPEE)

    @post("/tiktok", name="webhooks:tiktok", status_code=200)
    async def tiktok(self, request: Request) -> Response:
        return await self._receive(request, Platform.TIKTOK)

    @post("/lazada", name="webhooks:lazada", status_code=200)
    async def lazada(self, request: Request) -> Response:
        return await self._receive(request, Platform.LAZADA)

