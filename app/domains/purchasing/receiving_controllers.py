"""Receiving a purchase order on the tablet by scanning, reorder suggestions, incoming units on
the stock pages, and a variant's unit cost set by hand."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _, ngettext
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.catalog import require_variant
from app.domains.purchasing import costs, orders, reorder
from app.domains.purchasing.schemas import ReorderForm, ScanForm, UnitCostForm


class ReceivingController(Controller):
    """The receive screen: a scan box that keeps focus, the lines with ordered / received / scanned."""

    path = "/purchasing/orders/{purchase_order_id:int}/receive"

    async def _sheet(self, request: Request, tenant: Tenant, purchase_order_id: int, *, status_code: int = 200,
                     error: str = "", last: orders.LineRow | None = None) -> Response:
        order = await orders.get_order(tenant, purchase_order_id)
        return render(request, "purchasing/receive.html", fragment="purchasing/_receive_sheet.html",
                      status_code=status_code, order=order, lines=await orders.lines_of(tenant, order), error=error,
                      last=last)

    @get("/", name="purchasing:receive")
    async def show(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        return await self._sheet(request, tenant, purchase_order_id)

    @post("/scan", name="purchasing:receive_scan", opt={"permission": Permission.INVENTORY_ADJUST})
    async def scan(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        try:
            form = ScanForm.parse(await form_data(request))
            last = await orders.scan(tenant, purchase_order_id, form.code, form.quantity)
        except AppError as exc:
            message = " ".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else exc.message
            return await self._sheet(request, tenant, purchase_order_id, status_code=exc.status_code, error=message)
        return await self._sheet(request, tenant, purchase_order_id, last=last)

    @post("/post", name="purchasing:receive_post", opt={"permission": Permission.INVENTORY_ADJUST})
    async def post_receipt(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        try:
            result = await orders.post_receipt(tenant, purchase_order_id)
        except AppError as exc:
            message = " ".join(exc.errors.values()) if isinstance(exc, ValidationFailed) else exc.message
            return await self._sheet(request, tenant, purchase_order_id, status_code=exc.status_code, error=message)
        flash(request, orders.receipt_message(result))
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    @post("/clear", name="purchasing:receive_clear", opt={"permission": Permission.INVENTORY_ADJUST})
    async def clear(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        try:
            await orders.clear_scans(tenant, purchase_order_id)
        except AppError as exc:
            return await self._sheet(request, tenant, purchase_order_id, status_code=exc.status_code, error=exc.message)
        return await self._sheet(request, tenant, purchase_order_id)


class ReorderController(Controller):
    path = "/purchasing/reorder"

    @get("/", name="purchasing:reorder")
    async def index(self, request: Request, tenant: Tenant, days: int = 14) -> Response:
        days = max(0, min(days, 365))
        return render(request, "purchasing/reorder.html", days=days,
                      suggestions=await reorder.suggestions(tenant, days), window=reorder.WINDOW_DAYS)

    @post("/", name="purchasing:reorder_create", opt={"permission": Permission.CATALOG_EDIT})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        form = ReorderForm.parse_multi(await request.form())
        created = await reorder.create_drafts(tenant, form.days_of_cover, form.variant_ids or None)
        if not created:
            flash(request, _("Nothing to reorder right now."), "warning")
            return redirect_after_post(request, f"/purchasing/reorder?days={form.days_of_cover}")
        flash(request, ngettext("%(num)s draft purchase order created.", "%(num)s draft purchase orders created.",
                                len(created)))
        return redirect_after_post(request, "/purchasing/?status=draft")


class IncomingController(Controller):
    """Fragments other pages load lazily: units ordered and not yet received."""

    path = "/purchasing/incoming"

    @get("/", name="purchasing:incoming")
    async def incoming(self, request: Request, tenant: Tenant, variant: list[int] | None = None) -> Response:
        ids = [int(v) for v in (variant or [])][:200] or None
        return render(request, "purchasing/_incoming.html", rows=await orders.incoming_list(tenant, ids))


class UnitCostController(Controller):
    path = "/purchasing/unit-cost"

    @post("/{variant_id:int}", name="purchasing:unit_cost", opt={"permission": Permission.CATALOG_EDIT})
    async def set_cost(self, request: Request, tenant: Tenant, variant_id: int) -> Response:
        variant = await require_variant(tenant, variant_id)
        back = f"/products/{variant['product']}"
        try:
            form = UnitCostForm.parse(await form_data(request))
            await costs.set_unit_cost(tenant, variant_id, form.unit_cost)
        except ValidationFailed as exc:
            flash(request, " ".join(exc.errors.values()), "error")
            return redirect_after_post(request, back + "#unit-costs")
        flash(request, _("Unit cost of %(sku)s saved.", sku=variant["sku"]))
        return redirect_after_post(request, back + "#unit-costs")
