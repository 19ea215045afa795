"""What people call order rows, for pages that show other domains' records (audit, history)."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.tenancy import Tenant
from app.domains.orders.tables import Order, OrderLine, OrderReturn, ReturnLine


def _ids(values: Iterable[int]) -> list[int]:
    return sorted({int(i) for i in values})


async def order_numbers(tenant: Tenant, order_ids: Iterable[int]) -> dict[int, str]:
    """{order id: order number} for the organisation's orders among ``order_ids``."""
    if not (ids := _ids(order_ids)):
        return {}
    rows = await tenant.scoped(Order).select(Order.id, Order.platform_order_id).where(Order.id.is_in(ids))
    return {r["id"]: r["platform_order_id"] for r in rows}


async def line_skus(tenant: Tenant, order_line_ids: Iterable[int]) -> dict[int, str]:
    """{order line id: its SKU (or title)}."""
    if not (ids := _ids(order_line_ids)):
        return {}
    rows = await tenant.scoped(OrderLine).select(OrderLine.id, OrderLine.seller_sku, OrderLine.title).where(
        OrderLine.id.is_in(ids))
    return {r["id"]: r["seller_sku"] or r["title"] for r in rows}


async def return_line_skus(tenant: Tenant, return_line_ids: Iterable[int]) -> dict[int, str]:
    """{return line id: the SKU (or title) of the order line it returns}."""
    if not (ids := _ids(return_line_ids)):
        return {}
    rows = await tenant.scoped(ReturnLine).select(
        ReturnLine.id, ReturnLine.order_line.seller_sku.as_alias("sku"),
        ReturnLine.order_line.title.as_alias("title")).where(ReturnLine.id.is_in(ids))
    return {r["id"]: r["sku"] or r["title"] for r in rows}


async def return_orders(tenant: Tenant, return_ids: Iterable[int]) -> dict[int, str]:
    """{return id: number of the order it returns}."""
    if not (ids := _ids(return_ids)):
        return {}
    rows = await tenant.scoped(OrderReturn).select(
        OrderReturn.id, OrderReturn.order.platform_order_id.as_alias("number")).where(OrderReturn.id.is_in(ids))
    return {r["id"]: r["number"] for r in rows}
