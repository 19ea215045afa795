"""Purchasing screens: suppliers with their SKUs, purchase orders and their detail, the PO as PDF."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, stays_at
from app.domains import inventory
from app.domains.purchasing import documents, orders, suppliers
from app.domains.purchasing.schemas import (
    LandedCostForm,
    NewOrderForm,
    OrderLineForm,
    SupplierForm,
    SupplierItemForm,
)
from app.domains.purchasing.statuses import Allocation, PurchaseStatus


def _org_name(request: Request) -> str:
    ctx = request.state.get("ctx")
    return getattr(ctx, "organization_name", "") or ""


class SuppliersController(Controller):
    path = "/purchasing/suppliers"

    async def _index(self, request: Request, tenant: Tenant, *, status_code: int = 200, errors: dict | None = None,
                     form: dict | None = None) -> Response:
        return render(request, "purchasing/suppliers.html", status_code=status_code,
                      suppliers=await suppliers.list_suppliers(tenant), errors=errors or {}, form=form or {})

    @get("/", name="purchasing:suppliers")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._index(request, tenant)

    @post("/", name="purchasing:create_supplier", opt={"permission": Permission.CATALOG_EDIT})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            supplier_id = await suppliers.create_supplier(tenant, SupplierForm.parse(data))
        except ValidationFailed as exc:
            return await self._index(request, tenant, status_code=422, errors=exc.errors, form=data)
        flash(request, _("Supplier added."))
        return redirect_after_post(request, f"/purchasing/suppliers/{supplier_id}")

    async def _show(self, request: Request, tenant: Tenant, supplier_id: int, *, status_code: int = 200,
                    errors: dict | None = None, form: dict | None = None, item_form: dict | None = None) -> Response:
        supplier = await suppliers.get_supplier(tenant, supplier_id)
        return render(request, "purchasing/supplier.html", status_code=status_code, supplier=supplier,
                      items=await suppliers.items_of(tenant, supplier_id), errors=errors or {},
                      form=form or {k: getattr(supplier, k) for k in (
                          "name", "contact_name", "phone", "email", "lead_time_days", "payment_terms", "note")},
                      item_form=item_form or {})

    @get("/{supplier_id:int}", name="purchasing:supplier")
    async def show(self, request: Request, tenant: Tenant, supplier_id: int) -> Response:
        return await self._show(request, tenant, supplier_id)

    @post("/{supplier_id:int}", name="purchasing:update_supplier", opt={"permission": Permission.CATALOG_EDIT})
    async def update(self, request: Request, tenant: Tenant, supplier_id: int) -> Response:
        await suppliers.get_supplier(tenant, supplier_id)
        data = await form_data(request)
        try:
            await suppliers.update_supplier(tenant, supplier_id, SupplierForm.parse(data))
        except ValidationFailed as exc:
            return await self._show(request, tenant, supplier_id, status_code=422, errors=exc.errors, form=data)
        flash(request, _("Supplier saved."))
        return redirect_after_post(request, f"/purchasing/suppliers/{supplier_id}")

    @post("/{supplier_id:int}/items", name="purchasing:supplier_item", opt={"permission": Permission.CATALOG_EDIT})
    async def set_item(self, request: Request, tenant: Tenant, supplier_id: int) -> Response:
        await suppliers.get_supplier(tenant, supplier_id)
        data = await form_data(request)
        try:
            item = await suppliers.set_item(tenant, supplier_id, SupplierItemForm.parse(data))
        except ValidationFailed as exc:
            return await self._show(request, tenant, supplier_id, status_code=422,
                                    errors={f"item_{k}": v for k, v in exc.errors.items()}, item_form=data)
        flash(request, _("%(sku)s is on this supplier's list.", sku=item.sku))
        return redirect_after_post(request, f"/purchasing/suppliers/{supplier_id}")

    @post("/{supplier_id:int}/items/{item_id:int}/delete", name="purchasing:remove_supplier_item",
          opt={"permission": Permission.CATALOG_EDIT})
    async def remove_item(self, request: Request, tenant: Tenant, supplier_id: int, item_id: int) -> Response:
        await suppliers.remove_item(tenant, supplier_id, item_id)
        flash(request, _("Removed from this supplier's list."))
        return redirect_after_post(request, f"/purchasing/suppliers/{supplier_id}")


class PurchaseOrdersController(Controller):
    path = "/purchasing"

    @get("/", name="purchasing:index")
    async def index(self, request: Request, tenant: Tenant, status: str = "") -> Response:
        return render(request, "purchasing/index.html", orders=await orders.list_orders(tenant, status),
                      suppliers=await suppliers.list_suppliers(tenant),
                      locations=await inventory.list_locations(tenant), statuses=list(PurchaseStatus),
                      filters={"status": status})

    @post("/orders", name="purchasing:create_order", opt={"permission": Permission.CATALOG_EDIT})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        try:
            purchase_order_id = await orders.create_order(tenant, NewOrderForm.parse(await form_data(request)))
        except ValidationFailed as exc:
            flash(request, " ".join(exc.errors.values()), "error")
            return redirect_after_post(request, "/purchasing/")
        flash(request, _("Draft purchase order created: add its lines."))
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    async def _show(self, request: Request, tenant: Tenant, purchase_order_id: int, *, status_code: int = 200,
                    errors: dict | None = None, form: dict | None = None) -> Response:
        order = await orders.get_order(tenant, purchase_order_id)
        supplier = await suppliers.get_supplier(tenant, order.supplier)
        lines = await orders.lines_of(tenant, order)
        # a refused form (posted to /lines or /costs) shows the order page: the address bar says so too
        return render(request, "purchasing/order.html", status_code=status_code, order=order, supplier=supplier,
                      lines=lines, total=documents.order_total(order, lines), allocations=list(Allocation),
                      whatsapp=documents.whatsapp_order_link(order, supplier, lines, _org_name(request)),
                      errors=errors or {}, form=form or {},
                      headers=stays_at(request, f"/purchasing/orders/{purchase_order_id}"))

    @get("/orders/{purchase_order_id:int}", name="purchasing:order")
    async def show(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        return await self._show(request, tenant, purchase_order_id)

    @post("/orders/{purchase_order_id:int}/lines", name="purchasing:add_line", opt={"permission": Permission.CATALOG_EDIT})
    async def add_line(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        data = await form_data(request)
        try:
            warning = await orders.add_line(tenant, purchase_order_id, OrderLineForm.parse(data))
        except ValidationFailed as exc:
            return await self._show(request, tenant, purchase_order_id, status_code=422, errors=exc.errors, form=data)
        if warning:
            flash(request, warning, "warning")
        else:
            flash(request, _("Line added."))
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    @post("/orders/{purchase_order_id:int}/lines/{line_id:int}/delete", name="purchasing:remove_line",
          opt={"permission": Permission.CATALOG_EDIT})
    async def remove_line(self, request: Request, tenant: Tenant, purchase_order_id: int, line_id: int) -> Response:
        await orders.remove_line(tenant, purchase_order_id, line_id)
        flash(request, _("Line removed."))
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    @post("/orders/{purchase_order_id:int}/costs", name="purchasing:costs", opt={"permission": Permission.CATALOG_EDIT})
    async def costs(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        data = await form_data(request)
        try:
            await orders.set_landed_costs(tenant, purchase_order_id, LandedCostForm.parse(data))
        except ValidationFailed as exc:
            return await self._show(request, tenant, purchase_order_id, status_code=422,
                                    errors={f"cost_{k}": v for k, v in exc.errors.items()}, form=data)
        flash(request, _("Landed costs saved."))
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    async def _step(self, request: Request, tenant: Tenant, purchase_order_id: int, action, done: str) -> Response:
        try:
            await action(tenant, purchase_order_id)
        except AppError as exc:
            if isinstance(exc, ValidationFailed):
                flash(request, " ".join(exc.errors.values()), "error")
            else:
                flash(request, exc.message, "error")
            return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")
        flash(request, done)
        return redirect_after_post(request, f"/purchasing/orders/{purchase_order_id}")

    @post("/orders/{purchase_order_id:int}/order", name="purchasing:place", opt={"permission": Permission.CATALOG_EDIT})
    async def place(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        return await self._step(request, tenant, purchase_order_id, orders.place_order,
                                _("Ordered: its units now show as incoming."))

    @post("/orders/{purchase_order_id:int}/cancel", name="purchasing:cancel", opt={"permission": Permission.CATALOG_EDIT})
    async def cancel(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        return await self._step(request, tenant, purchase_order_id, orders.cancel_order, _("Purchase order cancelled."))

    @post("/orders/{purchase_order_id:int}/close", name="purchasing:close", opt={"permission": Permission.INVENTORY_ADJUST})
    async def close(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        await orders.get_order(tenant, purchase_order_id)
        return await self._step(request, tenant, purchase_order_id, orders.close_short,
                                _("Closed: the missing units are no longer expected."))

    @get("/orders/{purchase_order_id:int}/pdf", name="purchasing:pdf")
    async def pdf(self, request: Request, tenant: Tenant, purchase_order_id: int) -> Response:
        order = await orders.get_order(tenant, purchase_order_id)
        supplier = await suppliers.get_supplier(tenant, order.supplier)
        body = documents.order_pdf(order, supplier, await orders.lines_of(tenant, order),
                                   organisation=_org_name(request), timezone=tenant.timezone)
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{order.number}.pdf"'})
