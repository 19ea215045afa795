"""Scan-to-pack: scan the order number, then every unit; a wrong or surplus item counts nothing,
and the order is packed (reservation kept) when the last unit is scanned."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from piccolo.query.functions.aggregate import Count

from app.core.database import transaction
from app.core.errors import NotFound
from app.core.i18n import _, ngettext
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.catalog import variant_by_code
from app.domains.fulfillment.errors import ScanRefused
from app.domains.fulfillment.statuses import ScanOutcome
from app.domains.fulfillment.tables import PackScan
from app.domains.orders import OrderState, WarehouseOrder

if TYPE_CHECKING:
    from app.domains.catalog import Variant

PACKABLE = {OrderState.READY_TO_SHIP, OrderState.PICKING}
DONE = {OrderState.PACKED, OrderState.SHIPPED, OrderState.DELIVERED, OrderState.COMPLETED}


@dataclass(slots=True)
class PackLine:
    variant: int
    sku: str
    barcode: str
    title: str
    quantity: int
    scanned: int = 0

    @property
    def done(self) -> bool:
        return self.scanned >= self.quantity


@dataclass(slots=True)
class PackView:
    order: WarehouseOrder
    lines: list[PackLine] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def scanned(self) -> int:
        return sum(min(line.scanned, line.quantity) for line in self.lines)

    @property
    def packed(self) -> bool:
        return self.order.state in DONE

    @property
    def packable(self) -> bool:
        return self.order.state in PACKABLE and not self.order.has_unmapped_lines


@dataclass(slots=True)
class ScanResult:
    view: PackView
    message: str
    finished: bool = False


async def find_order(tenant: Tenant, number: str) -> int:
    """The id of this organisation's order with this number (typed or scanned), or NotFound —
    the same answer for another organisation's order as for a number that does not exist."""
    number = (number or "").strip()[:64]
    if not number:
        raise NotFound(_("Scan or type an order number."))
    rows = await orders.orders_numbered(tenant, {number, number.upper()})
    if not rows:
        raise NotFound(_("No order %(number)s in this organisation.", number=number))
    packable = [r for r in rows if r.state in PACKABLE]
    return (packable or rows)[0].id


async def pack_view(tenant: Tenant, order_id: int) -> PackView:
    """The order with each item's ordered and scanned units (three queries)."""
    order = await orders.warehouse_order(tenant, order_id)
    if order is None:
        raise NotFound(_("Order not found."))
    rows = await orders.pack_items(tenant, order.id)
    scans = await tenant.scoped(PackScan).select(PackScan.variant, Count(PackScan.id, alias="n")).where(
        (PackScan.order == order.id) & (PackScan.outcome == ScanOutcome.COUNTED)).group_by(PackScan.variant)
    scanned = {r["variant"]: r["n"] for r in scans}
    lines: dict[int, PackLine] = {}
    for row in rows:
        line = lines.get(row.variant)
        if line is None:
            title = " · ".join(p for p in (row.product_name, row.variant_name) if p) or row.title
            line = lines[row.variant] = PackLine(row.variant, row.sku, row.barcode or "", title, 0,
                                                 scanned.get(row.variant, 0))
        line.quantity += row.quantity
    return PackView(order, list(lines.values()))


async def scan_item(tenant: Tenant, order_id: int, code: str) -> ScanResult:
    """Count one unit of the scanned barcode or SKU for this order, or ScanRefused (nothing counted)
    for an unknown code, an item not in the order, or one more unit than ordered. The last unit
    packs the order."""
    code = (code or "").strip()[:64]
    return await _scan_item(tenant, await pack_view(tenant, order_id), code, await variant_by_code(tenant, code))


async def _scan_item(tenant: Tenant, view: PackView, code: str, variant: Variant | None) -> ScanResult:
    """scan_item with the order's view and the scanned variant already looked up (the view is
    read again under the order's lock before anything is counted)."""
    number = view.order.platform_order_id
    if not view.packable:
        raise ScanRefused(_("Order %(number)s is %(state)s: there is nothing to pack.", number=number,
                            state=_(view.order.state)))
    if variant is None:
        await _log(tenant, view.order.id, None, code, ScanOutcome.UNKNOWN)
        raise ScanRefused(_("Unknown barcode or SKU: %(code)s. Nothing counted.", code=code or "—"))
    async with transaction():
        await orders.lock_order(tenant, view.order.id)  # one packer per order at a time: counts cannot overshoot
        view = await pack_view(tenant, view.order.id)
        line = next((x for x in view.lines if x.variant == variant.id), None)
        outcome = ScanOutcome.COUNTED
        if line is None:
            outcome = ScanOutcome.WRONG
        elif line.done:
            outcome = ScanOutcome.SURPLUS
        await _log(tenant, view.order.id, variant.id, code, outcome)
        if line is not None and outcome is ScanOutcome.COUNTED:
            line.scanned += 1
            finished = all(x.done for x in view.lines)
            if finished:
                await orders.transition(tenant, view.order.id, OrderState.PACKED)
                view.order.state = OrderState.PACKED.value  # what reading the view again would show
    if line is None:  # ScanOutcome.WRONG
        raise ScanRefused(_("Wrong item: %(sku)s is not in order %(number)s. Nothing counted — put it back.",
                            sku=variant.sku, number=number))
    if outcome is ScanOutcome.SURPLUS:
        raise ScanRefused(_("Too many: all %(n)s × %(sku)s are already packed. Nothing counted — put it back.",
                            n=line.quantity, sku=variant.sku))
    if finished:
        return ScanResult(view, _("Order %(number)s is packed: every unit scanned.", number=number), finished=True)
    return ScanResult(view, _("%(sku)s: %(scanned)s of %(quantity)s", sku=line.sku, scanned=line.scanned,
                              quantity=line.quantity))


async def _log(tenant: Tenant, order_id: int, variant_id: int | None, code: str, outcome: ScanOutcome) -> None:
    await tenant.scoped(PackScan).new(order=order_id, variant=variant_id, code=code, outcome=outcome,
                                      actor=tenant.actor.user_id).save()


async def _order_id_by_number(tenant: Tenant, code: str) -> int | None:
    try:
        return await find_order(tenant, code)
    except NotFound:
        return None


async def open_order(tenant: Tenant, order_id: int) -> ScanResult:
    view = await pack_view(tenant, order_id)
    number = view.order.platform_order_id
    if view.packable:
        message = ngettext("Order %(number)s: scan each item (%(num)s unit).", "Order %(number)s: scan each item (%(num)s units).",
                           view.units, number=number)
    elif view.packed:
        message = _("Order %(number)s is already packed.", number=number)
    elif view.order.has_unmapped_lines:
        message = _("Order %(number)s has unmapped lines: map them in the order queue first.", number=number)
    else:
        message = _("Order %(number)s is %(state)s: there is nothing to pack.", number=number,
                    state=_(view.order.state))
    return ScanResult(view, message)


async def scan(tenant: Tenant, current: int | None, code: str) -> ScanResult:
    """The packing bench's one input. With no order open (or the open one done) the code is an
    order number; otherwise it is an item of the open order — unless it is no item at all but
    another order's number, which opens that order (the scans so far are kept). An empty scan (the
    button pressed with nothing in the box) is refused with what to do, and counts nothing."""
    if not (code or "").strip():
        raise ScanRefused(_("Scan or type an order number or an item's barcode or SKU."))
    if current:
        view = await pack_view(tenant, current)
        if view.packable:
            code = (code or "").strip()[:64]
            variant = await variant_by_code(tenant, code)
            if variant is None and (other := await _order_id_by_number(tenant, code)):
                return await open_order(tenant, other)
            return await _scan_item(tenant, view, code, variant)
    return await open_order(tenant, await find_order(tenant, code))
