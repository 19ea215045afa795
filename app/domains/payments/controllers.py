"""HTTP surface of payments: the gateways' receivers (public, CSRF-free, verified by signature), the
seller's /payments/ page (mark paid, COD collected, statement upload -> review -> apply, refunds)
and /settings/payments/."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Response

from app.core.auth import RequestContext, actor_of, client_ip
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.payments import configuration, notifications, services, statements
from app.domains.payments.schemas import BANK_ROWS, PaymentSettingsForm, bank_accounts_from
from app.domains.payments.statuses import PaymentMethod, PaymentStatus

log = logging.getLogger(__name__)
MANAGE = {"permission": Permission.ORDERS_MANAGE}


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


class PaymentReceiversController(Controller):
    """Gateway notifications: answered at once, 200 for applied or duplicate, 4xx (nothing changed) otherwise."""

    path = "/payments"
    opt = {"public": True}

    @staticmethod
    def _answer(request: Request, provider: str, outcome: notifications.Outcome) -> Response:
        if outcome.status_code >= 400:
            log.warning("%s notification from %s refused: %s", provider, client_ip(request), outcome.verdict.value)
        return Response(content={"verdict": outcome.verdict.value, "message": outcome.message},
                        status_code=outcome.status_code, media_type="application/json")

    @post("/midtrans/notification", name="payments:midtrans_notification", status_code=200)
    async def midtrans(self, request: Request) -> Response:
        outcome = await notifications.receive_midtrans(await request.body(), dict(request.headers))
        return self._answer(request, "midtrans", outcome)

    @post("/xendit/callback", name="payments:xendit_callback", status_code=200)
    async def xendit(self, request: Request) -> Response:
        outcome = await notifications.receive_xendit(await request.body(), dict(request.headers))
        return self._answer(request, "xendit", outcome)


def _filters(request: Request) -> tuple[str, str]:
    status = request.query_params.get("status", "")
    method = request.query_params.get("method", "")
    return (status if status in PaymentStatus._value2member_map_ else "",
            method if method in PaymentMethod._value2member_map_ else "")


class PaymentsController(Controller):
    path = "/payments"

    async def _page(self, request: Request, tenant: Tenant, *, status_code: int = 200, **extra: Any) -> Response:
        status, method = _filters(request)
        rows = await services.list_payments(tenant, status=status, method=method)
        flagged = await services.list_payments(tenant, status=PaymentStatus.REFUND_DUE, limit=100)
        return render(request, "payments/index.html", fragment="payments/_payments.html", status_code=status_code,
                      payments=rows, flagged=flagged, counts=await services.counts(tenant), status=status,
                      method=method, statuses=list(PaymentStatus), methods=list(PaymentMethod), tz=tenant.timezone,
                      notices=await notifications.recent(tenant.organization_id, 10), **extra)

    @get("/", name="payments:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._page(request, tenant)

    @post("/{payment_id:int}/paid", name="payments:mark_paid", opt=MANAGE)
    async def mark_paid(self, request: Request, tenant: Tenant, ctx: RequestContext, payment_id: int) -> Response:
        await services.mark_paid(acting(tenant, ctx, request), payment_id)
        flash(request, _("Payment marked paid."))
        return redirect_after_post(request, "/payments/")

    @post("/{payment_id:int}/cod-collected", name="payments:cod_collected", opt=MANAGE)
    async def cod_collected(self, request: Request, tenant: Tenant, ctx: RequestContext, payment_id: int) -> Response:
        await services.cod_collected(acting(tenant, ctx, request), payment_id)
        flash(request, _("Cash on delivery recorded as collected."))
        return redirect_after_post(request, "/payments/")

    @post("/{payment_id:int}/refunded", name="payments:refunded", opt=MANAGE)
    async def refunded(self, request: Request, tenant: Tenant, ctx: RequestContext, payment_id: int) -> Response:
        note = (await form_data(request)).get("note", "")[:300]
        await services.mark_refunded(acting(tenant, ctx, request), payment_id, note=note)
        flash(request, _("Payment marked refunded."))
        return redirect_after_post(request, "/payments/")

    @post("/statement", name="payments:statement", opt=MANAGE)
    async def statement(self, request: Request, tenant: Tenant) -> Response:
        form = await request.form()
        upload = form.get("statement")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
        try:
            credits = statements.read_credits(data)
        except ValidationFailed as exc:
            return await self._page(request, tenant, status_code=422, statement_errors=exc.errors)
        matches = await statements.match(tenant, credits)
        return render(request, "payments/review.html", matches=matches, tz=tenant.timezone,
                      matched=sum(1 for m in matches if m.payment))

    @post("/statement/apply", name="payments:statement_apply", opt=MANAGE)
    async def statement_apply(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        form = await request.form()
        chosen = [v for v in form.getall("match") if isinstance(v, str)] if "match" in form else []
        if not chosen:
            flash(request, _("Nothing was ticked, so nothing was marked paid."), "warning")
            return redirect_after_post(request, "/payments/")
        applied, skipped = await statements.apply(acting(tenant, ctx, request), chosen)
        flash(request, _("%(n)s payments marked paid from the statement.", n=applied))
        if skipped:
            flash(request, _("Skipped (no longer waiting or amount changed): %(orders)s", orders=", ".join(skipped)),
                  "warning")
        return redirect_after_post(request, "/payments/?status=paid")


class PaymentSettingsController(Controller):
    path = "/settings/payments"

    async def _form(self, request: Request, tenant: Tenant, *, errors: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None, status_code: int = 200) -> Response:
        view = await configuration.settings_view(tenant.organization_id)
        rows = list(view.bank_accounts) + [{}] * max(0, BANK_ROWS - len(view.bank_accounts))
        return render(request, "payments/settings.html", fragment="payments/_settings_form.html",
                      status_code=status_code, view=view, values=values, errors=errors or {}, rows=rows[:BANK_ROWS],
                      methods=PaymentMethod)

    @get("/", name="payments:settings")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._form(request, tenant)

    @post("/", name="payments:settings_submit", opt={"permission": Permission.ORG_MANAGE})
    async def update(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        data = await form_data(request)
        errors: dict[str, str] = {}
        try:
            accounts = bank_accounts_from(data)
        except ValidationFailed as exc:
            accounts, errors = [], exc.errors
        try:
            form = PaymentSettingsForm.parse(data)
            if errors:  # the gateway checks too, so every problem shows at once
                errors |= await configuration.problems(
                    tenant.organization_id, bank_transfer_enabled=False, midtrans_enabled=form.midtrans_enabled,
                    xendit_enabled=form.xendit_enabled, secrets=form.secrets, bank_accounts=accounts)
                raise ValidationFailed(errors)
            await configuration.save_settings(
                acting(tenant, ctx, request), cod_enabled=form.cod_enabled,
                bank_transfer_enabled=form.bank_transfer_enabled, midtrans_enabled=form.midtrans_enabled,
                xendit_enabled=form.xendit_enabled, secrets=form.secrets, bank_accounts=accounts)
        except ValidationFailed as exc:
            return await self._form(request, tenant, errors=errors | exc.errors, values=data, status_code=422)
        flash(request, _("Payment settings saved."))
        return redirect_after_post(request, "/settings/payments/")
