"""The order queue: tabs per state with live counts, search, detail with timeline, actions."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Response

from app.core.errors import AppError, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, wants_fragment
from app.domains.orders import customers, returns, services, tags
from app.domains.orders.page import MAX_SELECTED, order_page
from app.domains.orders.schemas import (
    ManualOrderForm,
    NoteForm,
    OpenReturnForm,
    ReceiveReturnForm,
    TagForm,
    TransitionForm,
)
from app.domains.orders.statuses import OrderState
from app.domains.stores import list_stores


def _day(text: str) -> date | None:
    """A date filter as the date input sends it (YYYY-MM-DD); anything else means no filter."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


class OrdersController(Controller):
    path = "/orders"

    @get("/", name="orders:index", opt={"page_cache": True})
    async def index(self, request: Request, tenant: Tenant, tab: str = Parameter(query="state", default=""),
                    store: int | None = None, q: str = "", after: int | None = None,
                    oversold: bool = False, tag: str = "", since: str = Parameter(query="from", default=""),
                    until: str = Parameter(query="to", default="")) -> Response:
        state = tab
        placed_from, placed_to = _day(since), _day(until)
        page = await services.list_orders(tenant, state=state, store_id=store, q=q, after=after, oversold=oversold,
                                          tag=tag[:64], placed_from=placed_from, placed_to=placed_to)
        filters = {"state": state, "store": store, "q": q, "oversold": oversold, "tag": tag[:64],
                   "from": placed_from.isoformat() if placed_from else "", "to": placed_to.isoformat() if placed_to else ""}
        selectable = request.state.get("ctx").can(Permission.FULFILLMENT)
        if after and wants_fragment(request):  # the next rows of an infinite scroll: nothing else to read
            return render(request, "orders/_rows.html", rows=page.rows, next_after=page.next_after,
                          selectable=selectable, filters=filters)
        fragment = "orders/_rows.html" if after else "orders/_queue.html"
        return render(request, "orders/index.html", fragment=fragment, rows=page.rows, next_after=page.next_after,
                      selectable=selectable, max_bulk=MAX_SELECTED,
                      counts=await services.counts_by_state(tenant), states=list(OrderState),
                      stores=await list_stores(tenant),
                      tags=await tags.all_tags(tenant), filters=filters)

    @get("/counts", name="orders:counts", opt={"page_cache": True})
    async def counts(self, request: Request, tenant: Tenant, tab: str = Parameter(query="state", default="")) -> Response:
        state = tab
        return render(request, "orders/_tabs.html", counts=await services.counts_by_state(tenant),
                      states=list(OrderState), filters={"state": state})

    @get("/new", name="orders:new", opt={"permission": Permission.ORDERS_MANAGE})
    async def new(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "orders/new.html", form={}, errors={})

    @post("/", name="orders:create", opt={"permission": Permission.ORDERS_MANAGE})
    async def create(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = ManualOrderForm.from_form(data)
            order_id = await services.create_manual_order(
                tenant, customer_name=form.customer_name, phone=form.phone, address=form.address, lines=form.lines,
                email=form.email, shipping_fee=form.shipping_fee, discount=form.discount)
        except AppError as exc:
            errors = getattr(exc, "errors", None) or {"lines": exc.message}
            return render(request, "orders/new.html", status_code=422, form=data, errors=errors)
        flash(request, _("Order created and stock reserved."))
        return redirect_after_post(request, f"/orders/{order_id}")

    @get("/{order_id:int}", name="orders:show", opt={"page_cache": True})
    async def show(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        return render(request, "orders/show.html", fragment="orders/_detail.html",
                      **await order_page(tenant, order_id), error="")

    @post("/{order_id:int}/state", name="orders:transition", opt={"permission": Permission.ORDERS_MANAGE})
    async def transition(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        form = TransitionForm.parse(await form_data(request))
        try:
            new_state = await services.transition(tenant, order_id, form.state, by_person=True)
            flash(request, _("Order is now %(state)s.", state=new_state.label()))
            error = ""
        except (ValidationFailed, AppError) as exc:
            error = exc.message
        return render(request, "orders/show.html", fragment="orders/_detail.html", **await order_page(tenant, order_id),
                      error=error, status_code=409 if error else 200)

    @post("/{order_id:int}/returns", name="orders:open_return", opt={"permission": Permission.ORDERS_MANAGE})
    async def open_return(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        error = ""
        try:
            form = OpenReturnForm.from_form(await form_data(request))
            await returns.open_return(tenant, order_id, form.quantities, form.reason)
            flash(request, _("Return opened."))
        except AppError as exc:
            error = exc.message
        return render(request, "orders/show.html", fragment="orders/_detail.html", status_code=422 if error else 200,
                      **await order_page(tenant, order_id), error=error)

    @post("/returns/{return_id:int}/receive", name="orders:receive_return",
          opt={"permission": Permission.INVENTORY_ADJUST})
    async def receive_return(self, request: Request, tenant: Tenant, return_id: int) -> Response:
        form = ReceiveReturnForm.from_form(await form_data(request))
        order_id = await returns.order_of(tenant, return_id)
        error = ""
        try:
            await returns.receive_return(tenant, return_id, form.restock)
            flash(request, _("Return received."))
        except AppError as exc:
            error = exc.message
        return render(request, "orders/show.html", fragment="orders/_detail.html", status_code=422 if error else 200,
                      **await order_page(tenant, order_id), error=error)

    @post("/{order_id:int}/notes", name="orders:note", opt={"permission": Permission.ORDERS_MANAGE})
    async def note(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        form = NoteForm.parse(await form_data(request))
        error = ""
        try:
            await services.add_note(tenant, order_id, form.note)
        except ValidationFailed as exc:
            error = exc.message
        return render(request, "orders/show.html", fragment="orders/_detail.html", status_code=422 if error else 200,
                      **await order_page(tenant, order_id), error=error)


    async def _tags(self, request: Request, tenant: Tenant, order_id: int, change) -> Response:
        form = TagForm.parse(await form_data(request))
        error = ""
        try:
            current = await change(tenant, order_id, form.tag)
        except ValidationFailed as exc:
            error, current = exc.message, await tags.tags_of(tenant, order_id)
        if not wants_fragment(request):
            if error:
                flash(request, error, "error")
            return redirect_after_post(request, f"/orders/{order_id}")
        return render(request, "orders/_tags.html", status_code=422 if error else 200,
                      order={"id": order_id, "tags": current}, tag_error=error, tag_value=form.tag[:64])

    @post("/{order_id:int}/tags", name="orders:tag_add", opt={"permission": Permission.ORDERS_MANAGE})
    async def add_tag(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        return await self._tags(request, tenant, order_id, tags.add_tag)

    @post("/{order_id:int}/tags/remove", name="orders:tag_remove", opt={"permission": Permission.ORDERS_MANAGE})
    async def remove_tag(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        return await self._tags(request, tenant, order_id, tags.remove_tag)


class CustomersController(Controller):
    """Customers across channels, merged by phone number or e-mail address."""

    path = "/customers"

    @get("/", name="customers:index")
    async def index(self, request: Request, tenant: Tenant, q: str = "") -> Response:
        return render(request, "orders/customers.html", fragment="orders/_customers.html",
                      customers=await customers.list_customers(tenant, q), q=q)

    @get("/{phone:str}", name="customers:show")
    async def show(self, request: Request, tenant: Tenant, phone: str) -> Response:
        orders = await customers.customer_orders(tenant, phone)
        if not orders:
            raise NotFound(_("Customer not found."))
        contacts = sorted({o.customer_phone for o in orders if o.customer_phone}
                          | {o.customer_email for o in orders if o.customer_email})
        return render(request, "orders/customer.html", contacts=contacts, orders=orders,
                      spent=sum(o.total for o in orders))
