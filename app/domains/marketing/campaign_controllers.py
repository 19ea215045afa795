"""The seller's Campaigns pages (create, preview, test send, send with progress, WhatsApp list) and
the buyer's unsubscribe link."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response, Template

from app.core.auth import RequestContext
from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, wants_fragment
from app.domains.marketing import campaigns, segments


class CampaignsController(Controller):
    path = "/marketing/campaigns"
    include_in_schema = False

    async def _list(self, request: Request, tenant: Tenant, form: dict, errors: dict, status_code: int = 200) -> Template:
        return render(request, "marketing/campaigns.html", campaigns=await campaigns.campaigns(tenant), form=form,
                      errors=errors, segments=await segments.segments(tenant), status_code=status_code)

    @get("/", name="marketing:campaigns")
    async def index(self, request: Request, tenant: Tenant) -> Template:
        return await self._list(request, tenant, {"kind": "email"}, {})

    @post("/", name="marketing:campaign-create", opt={"permission": Permission.ORDERS_MANAGE})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            segment_id = int(data.get("segment", "")) if data.get("segment", "").isdigit() else 0
            campaign_id = await campaigns.create_campaign(
                tenant, name=data.get("name", ""), kind=data.get("kind", ""), segment_id=segment_id,
                subject=data.get("subject", ""), body=data.get("body", ""))
        except ValidationFailed as exc:
            return await self._list(request, tenant, data, exc.errors, 422)
        return redirect_after_post(request, f"/marketing/campaigns/{campaign_id}")

    @get("/{campaign_id:int}", name="marketing:campaign")
    async def show(self, request: Request, tenant: Tenant, campaign_id: int) -> Template:
        view = await campaigns.preview(tenant, campaign_id)
        whatsapp = await campaigns.whatsapp_list(tenant, campaign_id) if view["campaign"].kind == "whatsapp" else []
        return render(request, "marketing/campaign.html", whatsapp=whatsapp, **view)

    @post("/{campaign_id:int}/whatsapp", name="marketing:campaign-whatsapp",
          opt={"permission": Permission.ORDERS_MANAGE})
    async def mark_whatsapp(self, request: Request, tenant: Tenant, campaign_id: int) -> Response:
        """Tick a number of the WhatsApp list as messaged (sent=1) or not (sent=): the list again for
        htmx, the campaign page otherwise."""
        data = await form_data(request)
        status_code = 200
        try:
            await campaigns.mark_whatsapp(tenant, campaign_id, data.get("customer", ""), data.get("sent") == "1")
        except ValidationFailed as exc:
            if not wants_fragment(request):
                flash(request, exc.errors["customer"], "error")
                return redirect_after_post(request, f"/marketing/campaigns/{campaign_id}")
            status_code = 422
        if not wants_fragment(request):
            return redirect_after_post(request, f"/marketing/campaigns/{campaign_id}")
        view = await campaigns.preview(tenant, campaign_id)
        return render(request, "marketing/_whatsapp_list.html", status_code=status_code, oob=True,
                      whatsapp=await campaigns.whatsapp_list(tenant, campaign_id), **view)

    @post("/{campaign_id:int}/test", name="marketing:campaign-test", opt={"permission": Permission.ORDERS_MANAGE})
    async def test_send(self, request: Request, tenant: Tenant, ctx: RequestContext, campaign_id: int) -> Response:
        await campaigns.send_test(tenant, campaign_id, ctx.email or "")
        flash(request, _("A test was sent to %(email)s.", email=ctx.email or ""))
        return redirect_after_post(request, f"/marketing/campaigns/{campaign_id}")

    @post("/{campaign_id:int}/send", name="marketing:campaign-send", opt={"permission": Permission.ORDERS_MANAGE})
    async def send(self, request: Request, tenant: Tenant, campaign_id: int) -> Response:
        try:
            job_id = await campaigns.start_sending(tenant, campaign_id)
        except AppError as exc:
            if exc.status_code == 404:
                raise
            flash(request, exc.message, "error")
            return redirect_after_post(request, f"/marketing/campaigns/{campaign_id}")
        flash(request, _("Sending: follow it on the Jobs page."))
        return redirect_after_post(request, f"/jobs/{job_id}")


class UnsubscribeController(Controller):
    path = "/unsubscribe"
    opt = {"public": True}
    include_in_schema = False

    @get("/{token:str}", name="marketing:unsubscribe")
    async def unsubscribe(self, request: Request, token: str) -> Template:
        """One click from the mail: no more campaigns to this customer, from now on."""
        done = await campaigns.unsubscribe(token)
        return render(request, "marketing/unsubscribed.html", done=done, status_code=200 if done else 404)
