"""HTTP surface of shipping: the order page's courier panel (quote, book, cancel, a timeline that
refreshes itself), bulk booking from the queue, /settings/shipping/, and the courier webhook
receiver (public, CSRF-free, verified by the organisation's header secret on its own URL)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext, actor_of, client_ip
from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _, deferred
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import jobs
from app.domains.shipping import booking, cancel, configuration, reads, webhooks
from app.domains.shipping.schemas import BookForm, BulkBookForm, QuoteForm, ShippingSettingsForm, origins_from

log = logging.getLogger(__name__)
FULFILL = {"permission": Permission.FULFILLMENT}


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


async def _panel(request: Request, tenant: Tenant, order_id: int, *, status_code: int = 200, error: str = "",
                 errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                 notice: str = "", **options: Any) -> Response:
    view = await reads.panel(tenant, order_id, **options)
    return render(request, "shipping/_order_panel.html", status_code=status_code, panel=view, error=error,
                  errors=errors or {}, values=values or {}, notice=notice, tz=tenant.timezone,
                  service_label=configuration.service_label)


class ShippingController(Controller):
    path = "/shipping"

    @get("/orders/{order_id:int}/panel", name="shipping:panel")
    async def panel(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        seen = request.query_params.get("seen")
        if seen and getattr(request, "htmx", None):
            shipment = await reads.shipment_of(tenant, order_id)
            if shipment is not None and shipment.state != seen:  # the order page's other cards moved too
                return Response(content="", status_code=200, headers={"HX-Refresh": "true"})
        form = QuoteForm.parse({k: v for k, v in request.query_params.items() if k in QuoteForm.model_fields}) \
            if request.query_params else QuoteForm()
        return await _panel(request, tenant, order_id, destination_postal=form.destination_postal,
                            weight_grams=form.weight_grams)

    @post("/orders/{order_id:int}/book", name="shipping:book", opt=FULFILL)
    async def book(self, request: Request, tenant: Tenant, ctx: RequestContext, order_id: int) -> Response:
        data = await form_data(request)
        try:
            form = BookForm.parse(data)
            shipment = await booking.book(acting(tenant, ctx, request), order_id, service=form.service,
                                          pickup=form.handover == "pickup", destination_postal=form.destination_postal,
                                          weight_grams=form.weight_grams)
        except ValidationFailed as exc:
            return await _panel(request, tenant, order_id, status_code=422, errors=exc.errors, values=data,
                                error=_("Nothing was booked: check the marked fields."))
        except AppError as exc:
            if exc.status_code == 404:
                raise
            return await _panel(request, tenant, order_id, status_code=exc.status_code, error=exc.message,
                                values=data)
        notice = _("Courier booked: waybill %(waybill)s.", waybill=shipment.waybill) if shipment.waybill else \
            _("The courier service is down; the booking waits and StoreSync retries it by itself.")
        return await _panel(request, tenant, order_id, notice=notice, quote=False)

    @post("/orders/{order_id:int}/cancel", name="shipping:cancel", opt=FULFILL)
    async def cancel(self, request: Request, tenant: Tenant, ctx: RequestContext, order_id: int) -> Response:
        try:
            await cancel.cancel_booking(acting(tenant, ctx, request), order_id)
        except AppError as exc:
            if exc.status_code == 404:
                raise
            return await _panel(request, tenant, order_id, status_code=exc.status_code, error=exc.message)
        return await _panel(request, tenant, order_id, notice=_("Courier booking cancelled."), quote=False)

    @post("/bulk-book", name="shipping:bulk_book", opt=FULFILL)
    async def bulk_book(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        from app.core import tasks

        form = await request.form()
        back = str(form.get("back") or "/orders/")
        back = back if back.startswith("/") and not back.startswith("//") else "/orders/"
        try:
            chosen = BulkBookForm.parse_multi(form)
        except ValidationFailed as exc:
            flash(request, " ".join(exc.errors.values()), "error")
            return redirect_after_post(request, back)
        who = acting(tenant, ctx, request)
        row = await jobs.start(who, tasks.book_couriers, deferred("Book couriers for %(n)s orders",
                                                                  n=len(chosen.order_id)),
                               timeout=1800, retries=1, order_ids=chosen.order_id,
                               pickup=chosen.handover == "pickup", actor_id=who.actor.user_id)
        flash(request, _("Booking couriers for %(n)s orders in the background.", n=len(chosen.order_id)))
        return redirect_after_post(request, f"/jobs/{row.id}")


class ShippingSettingsController(Controller):
    path = "/settings/shipping"

    async def _form(self, request: Request, tenant: Tenant, *, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
        view = await configuration.settings_view(tenant)
        token = view.webhook_token or await configuration.webhook_token(tenant)
        return render(request, "shipping/settings.html", fragment="shipping/_settings_form.html",
                      status_code=status_code, view=view, values=values, errors=errors or {},
                      services=configuration.SERVICES,
                      webhook_url=f"{str(request.base_url).rstrip('/')}/shipping/webhooks/{token}")

    @get("/", name="shipping:settings")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._form(request, tenant)

    @post("/", name="shipping:settings_submit", opt={"permission": Permission.ORG_MANAGE})
    async def update(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        raw = await request.form()
        data: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
        try:
            form = ShippingSettingsForm.parse_multi(raw)
            await configuration.save_settings(
                acting(tenant, ctx, request), enabled=form.enabled, api_key=form.api_key, services=form.services,
                webhook_header=form.webhook_header, webhook_secret=form.webhook_secret, origins_in=origins_from(data))
        except ValidationFailed as exc:
            data["services"] = [v for v in raw.getall("services") if isinstance(v, str)] if "services" in raw else []
            return await self._form(request, tenant, errors=exc.errors, values=data, status_code=422)
        flash(request, _("Shipping settings saved."))
        return redirect_after_post(request, "/settings/shipping/")


class CourierWebhookController(Controller):
    """Courier webhooks: 200 for applied, duplicate or older statuses; 4xx (nothing changed) otherwise."""

    path = "/shipping/webhooks"
    opt = {"public": True}

    @post("/{token:str}", name="shipping:webhook", status_code=200)
    async def receive(self, request: Request, token: str) -> Response:
        outcome = await webhooks.receive(token, await request.body(), dict(request.headers))
        if outcome.status_code >= 400:
            log.warning("courier webhook from %s refused: %s", client_ip(request), outcome.verdict.value)
        return Response(content={"verdict": outcome.verdict.value, "message": outcome.message},
                        status_code=outcome.status_code, media_type="application/json")
