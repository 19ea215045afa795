"""/money/: an order's settlement and a store's settlements (fragments the order and store pages load
after themselves), the unmatched settlements, and "ask the marketplace now"."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, redirect_after_post, render
from app.domains import orders, stores
from app.domains.money import settlements
from app.domains.money.dispatch import enqueue_settlement

MANAGE = {"permission": Permission.ORDERS_MANAGE}


class MoneyController(Controller):
    path = "/money"

    @get("/orders/{order_id:int}/settlement", name="money:order_settlement")
    async def order_settlement(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        order = await orders.get_order(tenant, order_id)  # another tenant's order: 404
        return render(request, "money/_order_settlement.html", order=order,
                      settlement=await settlements.order_settlement(tenant, order.id))

    @get("/stores/{store_id:int}/settlements", name="money:store_settlements")
    async def store_settlements(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.get_store(tenant, store_id)
        return render(request, "money/_store_settlements.html", store=store,
                      **await settlements.store_settlements(tenant, store.id))

    @get("/unmatched", name="money:unmatched")
    async def unmatched(self, request: Request, tenant: Tenant) -> Response:
        rows = await settlements.unmatched_settlements(tenant)
        names = await stores.store_names(tenant, {r.store_id for r in rows})
        return render(request, "money/unmatched.html", rows=rows, names=names)

    @post("/stores/{store_id:int}/settle", name="money:settle_store", opt=MANAGE)
    async def settle(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.get_store(tenant, store_id)
        await enqueue_settlement(tenant.organization_id, store.id, key=f"settle:{store.id}:now")
        flash(request, _("Asking the marketplace for this store's settlements; they appear here in a minute."))
        return redirect_after_post(request, f"/stores/{store.id}")
