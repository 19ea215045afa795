"""Suppliers and purchase orders for tests, through the real services."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.purchasing import orders, suppliers
from app.domains.purchasing.schemas import NewOrderForm, OrderLineForm, SupplierForm, SupplierItemForm
from tests.support import unique


async def make_supplier(tenant: Tenant, *, lead: int = 7, items: dict[str, int] | None = None) -> int:
    supplier_id = await suppliers.create_supplier(tenant, SupplierForm(
        name=unique("CV Sumber "), contact_name="Pak Joko", phone="0812-3456-7890", lead_time_days=lead,
        payment_terms="30 hari"))
    for sku, price in (items or {}).items():
        await suppliers.set_item(tenant, supplier_id, SupplierItemForm(code=sku, price=price))
    return supplier_id


async def make_order(tenant: Tenant, supplier_id: int, lines: dict[str, tuple[int, int]], *,
                     location_id: int | None = None, place: bool = True) -> int:
    """A purchase order with {sku: (quantity, unit price)}, ordered unless place=False."""
    order_id = await orders.create_order(tenant, NewOrderForm(supplier_id=supplier_id, location_id=location_id))
    for sku, (quantity, price) in lines.items():
        await orders.add_line(tenant, order_id, OrderLineForm(code=sku, quantity=quantity, unit_price=price))
    if place:
        await orders.place_order(tenant, order_id)
    return order_id
