"""Settings -> Plan and billing: the plan, usage against its limits, the plans to move to (paid
through the payment gateway), and the invoices as PDF. Everyone sees it; owners change the plan."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext, actor_of
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import accounts
from app.domains.billing import limits, subscriptions
from app.domains.billing.invoice_pdf import render_pdf
from app.settings import get_settings


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


class BillingController(Controller):
    path = "/settings/billing"

    async def _page(self, request: Request, tenant: Tenant, *, errors: dict[str, str] | None = None,
                    status_code: int = 200) -> Response:
        return render(request, "billing/index.html", status_code=status_code,
                      sub=await subscriptions.subscription(tenant.organization_id),
                      usage=await limits.usage(tenant.organization_id), plans=await limits.plans(),
                      invoices=await subscriptions.invoices(tenant), errors=errors or {},
                      grace_days=get_settings().billing_grace_days)

    @get("/", name="billing:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        paid = request.query_params.get("paid", "")
        if paid.isdigit():  # back from the gateway's page: a job asks it whether the invoice was paid
            row = await subscriptions.invoice(tenant, int(paid))
            await subscriptions.enqueue_check(tenant.organization_id, row["id"])
        return await self._page(request, tenant)

    @post("/upgrade", name="billing:upgrade", opt={"permission": Permission.ORG_MANAGE})
    async def upgrade(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        data = await form_data(request)
        try:
            pay_url = await subscriptions.start_upgrade(acting(tenant, ctx, request), str(data.get("plan", "")))
        except ValidationFailed as exc:
            return await self._page(request, tenant, errors=exc.errors, status_code=422)
        return redirect_after_post(request, pay_url)

    @post("/invoices/{invoice_id:int}/check", name="billing:check")
    async def check(self, request: Request, tenant: Tenant, invoice_id: int) -> Response:
        row = await subscriptions.invoice(tenant, invoice_id)
        await subscriptions.enqueue_check(tenant.organization_id, row["id"])
        flash(request, _("Checking the payment with the payment service; reload in a moment."))
        return redirect_after_post(request, "/settings/billing/")

    @get("/invoices/{invoice_id:int}", name="billing:invoice_pdf")
    async def pdf(self, tenant: Tenant, invoice_id: int) -> Response:
        row = await subscriptions.invoice(tenant, invoice_id)
        body = render_pdf(row, await accounts.organization_name(tenant.organization_id))
        return Response(content=body, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{row["number"]}.pdf"'})


