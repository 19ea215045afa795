"""An order line's cost of goods: fixed when its stock leaves (the order's stock is committed at ship)."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.tenancy import Tenant
from app.domains.catalog import costs_of_lines
from app.domains.orders.tables import OrderLine


async def fix_cost_of_goods(tenant: Tenant, order_ids: Sequence[int]) -> None:
    """Give each mapped line of these orders that has none yet its cost of goods at today's average
    unit costs (inside the caller's transaction, right after the stock left). A line whose cost is
    unknown stays empty; one already fixed is never changed again."""
    if not order_ids:
        return
    lines = await tenant.scoped(OrderLine).select(OrderLine.id, OrderLine.variant, OrderLine.quantity).where(
        OrderLine.order.is_in(list(order_ids)) & OrderLine.variant.is_not_null()
        & OrderLine.cost_of_goods.is_null()).order_by(OrderLine.id)
    costs = await costs_of_lines(tenant, [(r["variant"], r["quantity"]) for r in lines])
    for line, cost in zip(lines, costs, strict=True):
        if cost is not None:
            await tenant.scoped(OrderLine).update({OrderLine.cost_of_goods: cost}).where(OrderLine.id == line["id"])
