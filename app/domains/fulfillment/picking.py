"""Pick lists: a batch of ready-to-ship orders moved to picking, and what to take from the shelves
for them — grouped by location and SKU, with total quantities. A constant number of queries
whatever the batch size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.database import transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.fulfillment.tables import PickList, PickListOrder
from app.domains.orders import ListedOrder, PickSum, ReadyOrder

READY_LIMIT = 500


@dataclass(slots=True)
class PickLine:
    sku: str
    name: str
    barcode: str
    quantity: int
    orders: int
    mapped: bool = True


@dataclass(slots=True)
class LocationGroup:
    code: str
    name: str
    lines: list[PickLine] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(slots=True)
class PickListView:
    id: int
    created_at: datetime
    orders: list[ListedOrder]
    groups: list[LocationGroup]

    @property
    def units(self) -> int:
        return sum(g.units for g in self.groups)


async def ready_orders(tenant: Tenant, limit: int = READY_LIMIT) -> list[ReadyOrder]:
    """Orders waiting to be picked, the most urgent first (ship-by, then oldest)."""
    return await orders.ready_orders(tenant, limit)


async def counts(tenant: Tenant) -> dict[str, int]:
    return await orders.warehouse_counts(tenant)


async def create_pick_list(tenant: Tenant, order_ids: list[int] | None) -> int:
    """Move the chosen ready-to-ship orders (or all of them, for None) to picking and record them
    as one pick list; ValidationFailed when none could be picked."""
    async with transaction():
        moved = await orders.start_picking(tenant, order_ids)
        if not moved:
            raise ValidationFailed({"orders": _(
                "No order could be picked: choose orders that are ready to ship, mapped and not oversold.")})
        pick_list = tenant.scoped(PickList).new(order_count=len(moved), created_by=tenant.actor.user_id)
        await pick_list.save()
        await PickListOrder.insert(*[PickListOrder(organization=tenant.organization_id, pick_list=pick_list.id,
                                                   order=order_id) for order_id in moved])
    return pick_list.id


async def recent_pick_lists(tenant: Tenant, limit: int = 10) -> list[PickList]:
    return await tenant.scoped(PickList).objects().order_by(PickList.id, ascending=False).limit(limit)


async def get_pick_list(tenant: Tenant, pick_list_id: int) -> PickListView:
    """The pick list with its orders and its lines grouped by location and SKU (three queries)."""
    head = await tenant.scoped(PickList).select().where(PickList.id == _pk(pick_list_id)).first()
    if head is None:
        raise NotFound(_("Pick list not found."))
    members = tenant.scoped(PickListOrder).select(PickListOrder.order).where(PickListOrder.pick_list == head["id"])
    order_rows = await orders.listed_orders(tenant, members)
    line_rows = await orders.pick_sums(tenant, members)
    return PickListView(head["id"], head["created_at"], order_rows, group_lines(line_rows))


def group_lines(rows: list[PickSum]) -> list[LocationGroup]:
    """Fold (location, variant, seller SKU) sums into one line per location and SKU, sorted for a walk
    through the shelves: location code, then SKU."""
    groups: dict[str, LocationGroup] = {}
    for row in rows:
        code = row.location_code or "—"
        group = groups.setdefault(code, LocationGroup(code, row.location_name or ""))
        sku = row.sku or row.seller_sku or "?"
        line = next((x for x in group.lines if x.sku == sku), None)
        if line is None:
            name = " · ".join(p for p in (row.product_name, row.variant_name) if p) or row.seller_sku
            line = PickLine(sku, name, row.barcode or "", 0, 0, mapped=bool(row.sku))
            group.lines.append(line)
        line.quantity += int(row.quantity or 0)
        line.orders += int(row.orders or 0)
    for group in groups.values():
        group.lines.sort(key=lambda x: x.sku)
    return [groups[k] for k in sorted(groups)]


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
