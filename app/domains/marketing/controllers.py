"""The seller's Marketing pages: vouchers (list, create, edit, uses and codes) and a voucher on a manual order."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response, Template

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _, ngettext
from app.core.money import format_money
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import catalog
from app.domains.marketing import manage, segments
from app.domains.marketing.schemas import ApplyToOrderForm, GenerateCodesForm, VoucherForm
from app.domains.marketing.statuses import VoucherKind

NEW_VOUCHER: dict[str, Any] = {"kind": "percent", "active": True, "products": []}


class MarketingController(Controller):
    path = "/marketing"
    include_in_schema = False

    @get("/", name="marketing:index")
    async def index(self, request: Request, tenant: Tenant) -> Template:
        return render(request, "marketing/index.html", vouchers=await manage.list_vouchers(tenant), apply_form={},
                      errors={})

    async def _form(self, request: Request, tenant: Tenant, *, form: dict[str, Any], errors: dict[str, str],
                    voucher_id: int | None = None, status_code: int = 200) -> Template:
        context: dict[str, Any] = {"row": None, "uses": [], "codes": []}
        if voucher_id is not None:
            row, _values, uses, codes = await manage.voucher_detail(tenant, voucher_id)
            context = {"row": row, "uses": uses, "codes": codes}
        return render(request, "marketing/voucher.html", form=form, errors=errors, kinds=list(VoucherKind),
                      products=await catalog.active_products(tenant), segments=await segments.segments(tenant),
                      status_code=status_code, **context)

    @get("/vouchers/new", name="marketing:voucher-new")
    async def new(self, request: Request, tenant: Tenant) -> Template:
        return await self._form(request, tenant, form=dict(NEW_VOUCHER), errors={})

    @post("/vouchers", name="marketing:voucher-create", opt={"permission": Permission.ORDERS_MANAGE})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        data = await request.form()
        try:
            voucher_id = await manage.create_voucher(tenant, VoucherForm.parse_multi(data))
        except ValidationFailed as exc:
            return await self._form(request, tenant, form=_echo(data), errors=exc.errors, status_code=422)
        flash(request, _("Voucher saved."))
        return redirect_after_post(request, f"/marketing/vouchers/{voucher_id}")

    @get("/vouchers/{voucher_id:int}", name="marketing:voucher")
    async def show(self, request: Request, tenant: Tenant, voucher_id: int) -> Template:
        _row, values, _uses, _codes = await manage.voucher_detail(tenant, voucher_id)
        return await self._form(request, tenant, form=values, errors={}, voucher_id=voucher_id)

    @post("/vouchers/{voucher_id:int}", name="marketing:voucher-save", opt={"permission": Permission.ORDERS_MANAGE})
    async def save(self, request: Request, tenant: Tenant, voucher_id: int) -> Response:
        data = await request.form()
        try:
            await manage.update_voucher(tenant, voucher_id, VoucherForm.parse_multi(data))
        except ValidationFailed as exc:
            return await self._form(request, tenant, form=_echo(data), errors=exc.errors, voucher_id=voucher_id,
                                    status_code=422)
        flash(request, _("Voucher saved."))
        return redirect_after_post(request, f"/marketing/vouchers/{voucher_id}")

    @post("/vouchers/{voucher_id:int}/codes", name="marketing:voucher-codes",
          opt={"permission": Permission.ORDERS_MANAGE})
    async def codes(self, request: Request, tenant: Tenant, voucher_id: int) -> Response:
        await manage.require_voucher(tenant, voucher_id)
        try:
            form = GenerateCodesForm.parse(await form_data(request))
            if form.count is None:
                raise ValidationFailed({"count": _("Type how many codes to make (1 to 5000).")})
            await manage.generate_codes(tenant, voucher_id, form.count)
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, f"/marketing/vouchers/{voucher_id}")
        flash(request, ngettext("%(num)s single-use code made.", "%(num)s single-use codes made.", form.count))
        return redirect_after_post(request, f"/marketing/vouchers/{voucher_id}#codes")

    @post("/apply", name="marketing:apply", opt={"permission": Permission.ORDERS_MANAGE})
    async def apply(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = ApplyToOrderForm.parse(data)
            discount = await manage.apply_to_manual_order(tenant, form.order_number, form.code)
        except AppError as exc:
            errors = getattr(exc, "errors", None) or {"order_number": exc.message}
            if "voucher" in errors:
                errors = {"code": errors["voucher"]}
            return render(request, "marketing/index.html", vouchers=await manage.list_vouchers(tenant),
                          apply_form=data, errors=errors, status_code=exc.status_code)
        flash(request, _("Voucher applied: %(amount)s off.", amount=format_money(discount)))
        return redirect_after_post(request, "/marketing/")


def _echo(data: Any) -> dict[str, Any]:
    """The posted form as it was typed, to show it again with its errors."""
    values: dict[str, Any] = {k: data.get(k) for k in data if k != "products"}
    products = []
    for raw in data.getall("products") if "products" in data else []:
        try:
            products.append(int(raw))
        except (TypeError, ValueError):
            continue
    values["products"] = products
    values["stackable"] = "stackable" in data
    values["active"] = "active" in data
    return values
