"""Reorder suggestions per SKU from recent sales velocity, turned into draft purchase orders.

suggested = (supplier lead days + days of cover) x average daily sales - (available + incoming),
rounded up to whole units; average daily sales = units shipped in the last 30 days / 30. A SKU
is suggested from the supplier that lists it at the lowest price (ties: the supplier added first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.purchasing.orders import create_order, incoming
from app.domains.purchasing.schemas import NewOrderForm
from app.domains.purchasing.tables import PurchaseOrderLine, SupplierItem

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class Suggestion:
    variant: int
    sku: str
    name: str
    supplier: int
    supplier_name: str
    lead_time_days: int
    price: int
    shipped: int  # units shipped in the window
    available: int
    incoming: int
    quantity: int  # to order

    @property
    def daily(self) -> float:  # shown only, never used for money
        return self.shipped / WINDOW_DAYS


def suggested_quantity(lead_days: int, days_of_cover: int, shipped: int, available: int, incoming_units: int,
                       window: int = WINDOW_DAYS) -> int:
    """ceil((lead + cover) x shipped / window) - (available + incoming), never below zero; integers only."""
    need = -(-(lead_days + days_of_cover) * shipped // window)
    return max(need - max(available, 0) - incoming_units, 0)


async def suggestions(tenant: Tenant, days_of_cover: int, *, now: datetime | None = None) -> list[Suggestion]:
    """What to reorder now, per SKU, with the figures behind it (SKUs needing none are left out)."""
    rows = await tenant.scoped(SupplierItem).select(
        SupplierItem.variant, SupplierItem.variant.sku.as_alias("sku"), SupplierItem.variant._.product.name.as_alias("name"),
        SupplierItem.supplier, SupplierItem.supplier.name.as_alias("supplier_name"),
        SupplierItem.supplier.lead_time_days.as_alias("lead"), SupplierItem.price,
    ).where((SupplierItem.supplier.active == True) & (SupplierItem.variant.archived == False)).order_by(  # noqa: E712
        SupplierItem.price).order_by(SupplierItem.supplier)
    best: dict[int, dict] = {}
    for row in rows:
        best.setdefault(row["variant"], row)
    ids = sorted(best)
    if not ids:
        return []
    since = (now or utcnow()) - timedelta(days=WINDOW_DAYS)
    shipped = await inventory.units_shipped(tenant, since, ids)
    levels = await inventory.availability(tenant, ids)
    coming = await incoming(tenant, ids)
    result = []
    for variant_id in ids:
        row = best[variant_id]
        available = levels.get(variant_id, {}).get("available", 0)
        quantity = suggested_quantity(row["lead"], days_of_cover, shipped.get(variant_id, 0), available,
                                      coming.get(variant_id, 0))
        if quantity > 0:
            result.append(Suggestion(variant_id, row["sku"], row["name"], row["supplier"], row["supplier_name"],
                                     row["lead"], row["price"], shipped.get(variant_id, 0), available,
                                     coming.get(variant_id, 0), quantity))
    return sorted(result, key=lambda s: (s.supplier_name, s.sku))


async def create_drafts(tenant: Tenant, days_of_cover: int, variant_ids: list[int] | None = None, *,
                        now: datetime | None = None) -> list[int]:
    """One draft purchase order per supplier for the suggested SKUs (only `variant_ids` when given),
    each line at the supplier's price. Returns the new orders' ids (none when nothing is suggested)."""
    wanted = [s for s in await suggestions(tenant, days_of_cover, now=now)
              if variant_ids is None or not variant_ids or s.variant in variant_ids]
    by_supplier: dict[int, list[Suggestion]] = {}
    for suggestion in wanted:
        by_supplier.setdefault(suggestion.supplier, []).append(suggestion)
    created = []
    async with transaction():
        for supplier_id, lines in sorted(by_supplier.items()):
            order_id = await create_order(tenant, NewOrderForm(supplier_id=supplier_id))
            await PurchaseOrderLine.insert(*[tenant.scoped(PurchaseOrderLine).new(
                purchase_order=order_id, variant=s.variant, quantity=s.quantity, unit_price=s.price)
                for s in lines])
            created.append(order_id)
    return created


__all__ = ["Suggestion", "create_drafts", "suggested_quantity", "suggestions"]
