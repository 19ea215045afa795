"""/api/v1/orders and /api/v1/customers, through the orders' services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from app.core.errors import ValidationFailed
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.platform_api.v1.models import (
    CustomerOut,
    OrderIn,
    OrderLineOut,
    OrderOut,
    OrderSummaryOut,
    Page,
    TransitionIn,
    decode_cursor,
    next_cursor,
)

Limit = Annotated[int, Parameter(ge=1, le=500, description="Items per page (1-500).")]
READ, WRITE = {"api_scope": "orders:read"}, {"api_scope": "orders:write"}


def _summary(row: dict) -> OrderSummaryOut:
    return OrderSummaryOut.model_validate({**row, "number": row["platform_order_id"]})


async def _order(tenant: Tenant, order_id: int) -> OrderOut:
    o = await orders.get_order(tenant, order_id)
    return OrderOut(
        id=o.id, number=o.platform_order_id, channel=o.channel, store=o.store, state=o.state, stock_state=o.stock_state,
        oversold=o.oversold, customer_name=o.customer_name, currency=o.currency, total=o.total, subtotal=o.subtotal,
        shipping_fee=o.shipping_fee, placed_at=o.placed_at, updated_at=o.updated_at, customer_phone=o.customer_phone,
        customer_email=o.customer_email, address=o.address, shipping_carrier=o.shipping_carrier,
        tracking_number=o.tracking_number, tags=o.tags, next_states=[str(s) for s in o.next_states],
        lines=[OrderLineOut(id=line.id, variant=line.variant, sku=line.seller_sku, title=line.title,
                            quantity=line.quantity, unit_price=line.unit_price) for line in o.lines])


class OrdersApi(Controller):
    path = "/orders"
    tags = ["orders"]

    @get("/", opt=READ, summary="A page of orders, oldest first (cursor pagination; updated_since for changes)")
    async def list_orders(self, tenant: Tenant, cursor: str | None = None, limit: Limit = 100,
                          updated_since: datetime | None = None,
                          in_state: Annotated[str, Parameter(query="state", description="Only orders in this state.")] = "",
                          ) -> Page[OrderSummaryOut]:
        if in_state and in_state not in {s.value for s in orders.OrderState}:
            raise ValidationFailed({"state": "Unknown order state."})
        if updated_since is not None:  # an offset-less time is UTC
            updated_since = (updated_since if updated_since.tzinfo else updated_since.replace(tzinfo=UTC)).astimezone(UTC)
        rows = await orders.api_order_page(tenant, after=decode_cursor(cursor), limit=limit,
                                           updated_since=updated_since, state=in_state)
        return Page[OrderSummaryOut](items=[_summary(r) for r in rows], next_cursor=next_cursor(rows, limit))

    @get("/{order_id:int}", opt=READ, summary="One order with its lines")
    async def get_order(self, tenant: Tenant, order_id: int) -> OrderOut:
        return await _order(tenant, order_id)

    @post("/", opt=WRITE, summary="Create a manual order (stock is reserved at once)")
    async def create_order(self, tenant: Tenant, data: OrderIn) -> OrderOut:
        order_id = await orders.create_manual_order(
            tenant, customer_name=data.customer_name, phone=data.phone, address=data.address,
            lines=[(line.sku, line.quantity) for line in data.lines], email=data.email,
            shipping_fee=str(data.shipping_fee) if data.shipping_fee else "",
            discount=str(data.discount) if data.discount else "")
        return await _order(tenant, order_id)

    @post("/{order_id:int}/transition", opt=WRITE, status_code=200,
          summary="Move an order to one of its next_states, as the order page's buttons do")
    async def transition(self, tenant: Tenant, order_id: int, data: TransitionIn) -> OrderOut:
        await orders.transition(tenant, order_id, data.state, by_person=True)
        return await _order(tenant, order_id)


class CustomersApi(Controller):
    path = "/customers"
    tags = ["orders"]

    @get("/", opt=READ, summary="Customers (orders grouped by phone or e-mail), most recent first")
    async def list_customers(self, tenant: Tenant, q: str = "",
                             limit: Annotated[int, Parameter(ge=1, le=500)] = 100) -> list[CustomerOut]:
        rows = await orders.list_customers(tenant, q=q, limit=limit)
        return [CustomerOut(key=c.key, name=c.name, phones=sorted(c.phones), emails=sorted(c.emails), orders=c.orders,
                            spent=c.spent, last_order=c.last_order) for c in rows]
