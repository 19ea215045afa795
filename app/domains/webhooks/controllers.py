"""Settings -> Webhooks: endpoints (add, edit, turn off, delete), their secret (revealed on demand,
rotated), a test ping, and each endpoint's delivery log with replay. Owners and admins only."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext, actor_of
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, redirect_after_post, render
from app.domains.webhooks import services, signing
from app.domains.webhooks.schemas import EndpointForm
from app.domains.webhooks.statuses import SUBSCRIBABLE, DeliveryStatus

MANAGE = {"permission": Permission.STORES_MANAGE}


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


class OutboundWebhooksController(Controller):
    path = "/settings/webhooks"
    opt = MANAGE

    async def _index(self, request: Request, tenant: Tenant, *, errors: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None, new_secret: str = "", status_code: int = 200) -> Response:
        return render(request, "webhooks/index.html", fragment="webhooks/_endpoint_form.html",
                      status_code=status_code, endpoints=await services.list_endpoints(tenant),
                      event_types=SUBSCRIBABLE, errors=errors or {}, values=values, new_secret=new_secret,
                      header=signing.HEADER, endpoint=None)

    @get("/", name="webhooks:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._index(request, tenant)

    @post("/", name="webhooks:create")
    async def create(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        form = await request.form()
        values = {"url": form.get("url", ""), "description": form.get("description", ""),
                  "events": [v for v in form.getall("events") if isinstance(v, str)] if "events" in form else []}
        try:
            parsed = EndpointForm.parse_multi(form)
            endpoint_id, secret = await services.create_endpoint(
                acting(tenant, ctx, request), url=parsed.url, description=parsed.description, events=parsed.events)
        except ValidationFailed as exc:
            return await self._index(request, tenant, errors=exc.errors, values=values, status_code=422)
        endpoint = await services.get_endpoint(tenant, endpoint_id)
        return await self._show(request, tenant, endpoint.id, new_secret=secret, status_code=201)

    async def _show(self, request: Request, tenant: Tenant, endpoint_id: int, *, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, new_secret: str = "", status_code: int = 200) -> Response:
        endpoint = await services.get_endpoint(tenant, endpoint_id)
        return render(request, "webhooks/show.html", fragment="webhooks/_endpoint_form.html", status_code=status_code,
                      endpoint=endpoint, deliveries=await services.delivery_log(tenant, endpoint.id),
                      event_types=SUBSCRIBABLE, errors=errors or {}, values=values, new_secret=new_secret,
                      header=signing.HEADER, statuses=DeliveryStatus)

    @get("/{endpoint_id:int}", name="webhooks:show")
    async def show(self, request: Request, tenant: Tenant, endpoint_id: int) -> Response:
        return await self._show(request, tenant, endpoint_id)

    @get("/{endpoint_id:int}/log", name="webhooks:log")
    async def log(self, request: Request, tenant: Tenant, endpoint_id: int) -> Response:
        endpoint = await services.get_endpoint(tenant, endpoint_id)
        return render(request, "webhooks/_log.html", endpoint=endpoint,
                      deliveries=await services.delivery_log(tenant, endpoint.id))

    @post("/{endpoint_id:int}", name="webhooks:update")
    async def update(self, request: Request, tenant: Tenant, ctx: RequestContext, endpoint_id: int) -> Response:
        form = await request.form()
        endpoint = await services.get_endpoint(tenant, endpoint_id)
        values = {"url": form.get("url", ""), "description": form.get("description", ""), "active": "active" in form,
                  "events": [v for v in form.getall("events") if isinstance(v, str)] if "events" in form else []}
        try:
            parsed = EndpointForm.parse_multi(form)
            await services.update_endpoint(acting(tenant, ctx, request), endpoint.id, url=parsed.url,
                                           description=parsed.description, events=parsed.events, active=parsed.active)
        except ValidationFailed as exc:
            return await self._show(request, tenant, endpoint.id, errors=exc.errors, values=values, status_code=422)
        flash(request, _("Webhook endpoint saved."))
        return redirect_after_post(request, f"/settings/webhooks/{endpoint.id}")

    @post("/{endpoint_id:int}/delete", name="webhooks:delete")
    async def delete(self, request: Request, tenant: Tenant, ctx: RequestContext, endpoint_id: int) -> Response:
        await services.delete_endpoint(acting(tenant, ctx, request), endpoint_id)
        flash(request, _("Webhook endpoint deleted."))
        return redirect_after_post(request, "/settings/webhooks/")

    @post("/{endpoint_id:int}/secret", name="webhooks:reveal")
    async def reveal(self, request: Request, tenant: Tenant, ctx: RequestContext, endpoint_id: int) -> Response:
        secret = await services.reveal_secret(acting(tenant, ctx, request), endpoint_id)
        return render(request, "webhooks/_secret.html", secret=secret, endpoint_id=endpoint_id, rotated=False)

    @post("/{endpoint_id:int}/rotate", name="webhooks:rotate")
    async def rotate(self, request: Request, tenant: Tenant, ctx: RequestContext, endpoint_id: int) -> Response:
        secret = await services.rotate_secret(acting(tenant, ctx, request), endpoint_id)
        return render(request, "webhooks/_secret.html", secret=secret, endpoint_id=endpoint_id, rotated=True)

    @post("/{endpoint_id:int}/ping", name="webhooks:ping")
    async def ping(self, request: Request, tenant: Tenant, endpoint_id: int) -> Response:
        await services.send_ping(tenant, endpoint_id)
        flash(request, _("Test event queued: it shows in the log below once sent."))
        return redirect_after_post(request, f"/settings/webhooks/{endpoint_id}")

    @get("/deliveries/{delivery_id:int}", name="webhooks:delivery")
    async def delivery(self, request: Request, tenant: Tenant, delivery_id: int) -> Response:
        row, attempts = await services.attempts_of(tenant, delivery_id)
        return render(request, "webhooks/delivery.html", delivery=row, attempts=attempts)

    @post("/deliveries/{delivery_id:int}/replay", name="webhooks:replay")
    async def replay(self, request: Request, tenant: Tenant, ctx: RequestContext, delivery_id: int) -> Response:
        row, _attempts = await services.attempts_of(tenant, delivery_id)
        await services.replay(acting(tenant, ctx, request), delivery_id)
        flash(request, _("Delivery queued again."))
        return redirect_after_post(request, f"/settings/webhooks/{row['endpoint']}")
