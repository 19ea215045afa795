"""Purchase orders: draft -> ordered -> partly received -> received (or cancelled), and receiving
against them through inventory's receive path (so on hand always equals the ledger sum)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _, ngettext
from app.core.records import from_row, from_rows
from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.audit import record
from app.domains.catalog import variant_by_code
from app.domains.purchasing.allocation import CostLine, line_shares, unit_costs
from app.domains.purchasing.schemas import LandedCostForm, NewOrderForm, OrderLineForm
from app.domains.purchasing.statuses import OPEN_STATUSES, Allocation, PurchaseStatus
from app.domains.purchasing.suppliers import get_supplier, supplier_prices
from app.domains.purchasing.tables import PurchaseOrder, PurchaseOrderLine


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: int
    number: str
    status: str
    supplier: int
    supplier_name: str
    location: int
    location_code: str
    currency: str
    freight: int
    other_costs: int
    allocation: str
    note: str
    created_at: datetime
    ordered_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class LineRow:
    id: int
    variant: int
    sku: str
    barcode: str
    name: str
    weight_grams: int
    quantity: int
    unit_price: int
    received: int
    scanned: int
    not_carried: bool
    landed_share: int = 0  # this line's part of freight + other costs
    product_name: str = ""

    @property
    def title(self) -> str:
        return f"{self.product_name} {self.name}".strip()

    @property
    def value(self) -> int:
        return self.quantity * self.unit_price

    @property
    def outstanding(self) -> int:
        """Units ordered and not yet received (never below zero)."""
        return max(self.quantity - self.received, 0)

    @property
    def over(self) -> int:
        """Units received beyond what was ordered."""
        return max(self.received + self.scanned - self.quantity, 0)


_ORDER_COLUMNS = (PurchaseOrder.id, PurchaseOrder.number, PurchaseOrder.status, PurchaseOrder.supplier,
                  PurchaseOrder.supplier.name.as_alias("supplier_name"), PurchaseOrder.location,
                  PurchaseOrder.location.code.as_alias("location_code"), PurchaseOrder.currency, PurchaseOrder.freight,
                  PurchaseOrder.other_costs, PurchaseOrder.allocation, PurchaseOrder.note, PurchaseOrder.created_at,
                  PurchaseOrder.ordered_at, PurchaseOrder.closed_at)


async def get_order(tenant: Tenant, order_id: int) -> OrderRow:
    row = await tenant.scoped(PurchaseOrder).select(*_ORDER_COLUMNS).where(PurchaseOrder.id == order_id).first()
    if row is None:
        raise NotFound(_("Purchase order not found."))
    return from_row(OrderRow, row)


async def list_orders(tenant: Tenant, status: str = "", limit: int = 200) -> list[OrderRow]:
    query = tenant.scoped(PurchaseOrder).select(*_ORDER_COLUMNS).order_by(PurchaseOrder.id, ascending=False)
    if status in set(PurchaseStatus):
        query = query.where(PurchaseOrder.status == status)
    return from_rows(OrderRow, await query.limit(limit))


async def lines_of(tenant: Tenant, order: OrderRow) -> list[LineRow]:
    """The order's lines with SKU and name, each with its share of the landed costs."""
    rows = await tenant.scoped(PurchaseOrderLine).select(
        PurchaseOrderLine.id, PurchaseOrderLine.variant, PurchaseOrderLine.variant.sku.as_alias("sku"),
        PurchaseOrderLine.variant.barcode.as_alias("barcode"), PurchaseOrderLine.variant.name.as_alias("name"),
        PurchaseOrderLine.variant._.product.name.as_alias("product_name"),
        PurchaseOrderLine.variant.weight_grams.as_alias("weight_grams"), PurchaseOrderLine.quantity,
        PurchaseOrderLine.unit_price, PurchaseOrderLine.received, PurchaseOrderLine.scanned,
        PurchaseOrderLine.not_carried,
    ).where(PurchaseOrderLine.purchase_order == order.id).order_by(PurchaseOrderLine.id)
    lines = from_rows(LineRow, rows)
    shares = line_shares([_cost_line(line) for line in lines], order.freight + order.other_costs,
                         Allocation(order.allocation))
    return [replace(line, landed_share=share) for line, share in zip(lines, shares, strict=True)]


def _cost_line(line: LineRow) -> CostLine:
    return CostLine(line.quantity, line.unit_price, line.weight_grams)


async def _next_number(tenant: Tenant) -> str:
    count = await tenant.scoped(PurchaseOrder).count()
    number = count + 1
    while await tenant.scoped(PurchaseOrder).exists().where(PurchaseOrder.number == f"PO-{number:05d}"):
        number += 1
    return f"PO-{number:05d}"


async def create_order(tenant: Tenant, form: NewOrderForm) -> int:
    """A draft purchase order to a supplier, received at `location_id` (the first warehouse when none)."""
    supplier = await get_supplier(tenant, form.supplier_id)
    location_id = form.location_id or (await inventory.default_location(tenant)).id
    if not any(loc.id == location_id for loc in await inventory.list_locations(tenant)):
        raise ValidationFailed({"location_id": _("Choose an active location.")})
    async with transaction():
        row = tenant.scoped(PurchaseOrder).new(supplier=supplier.id, number=await _next_number(tenant),
                                               location=location_id, note=form.note,
                                               created_by=tenant.actor.user_id)
        await row.save()
        await record(tenant.organization_id, tenant.actor, "purchase_order.created", "purchase_order", row.id,
                     after={"number": row.number, "supplier": supplier.name})
    return row.id


def _require(order: OrderRow, *allowed: PurchaseStatus, message: str) -> None:
    if order.status not in allowed:
        raise Conflict(message)


async def add_line(tenant: Tenant, order_id: int, form: OrderLineForm) -> str:
    """Order `quantity` more of a SKU on a draft (its price: the typed one, else the supplier's,
    else the variant's unit cost). Returns a warning when the supplier does not list the SKU
    (the line is added all the same), else ''."""
    order = await get_order(tenant, order_id)
    _require(order, PurchaseStatus.DRAFT, message=_("Only a draft purchase order can be changed."))
    variant = await variant_by_code(tenant, form.code)
    if variant is None:
        raise ValidationFailed({"code": _("No variant has the SKU or barcode %(code)s.", code=form.code)})
    if variant["is_bundle"]:
        raise ValidationFailed({"code": _("%(sku)s is a bundle: order its components instead.", sku=variant["sku"])})
    prices = await supplier_prices(tenant, order.supplier, [variant["id"]])
    carried = variant["id"] in prices
    price = form.unit_price if form.unit_price is not None else prices.get(variant["id"], variant["unit_cost"] or 0)
    async with transaction():
        existing = await tenant.scoped(PurchaseOrderLine).select(PurchaseOrderLine.id).where(
            (PurchaseOrderLine.purchase_order == order_id) & (PurchaseOrderLine.variant == variant["id"])).first()
        if existing:
            await tenant.scoped(PurchaseOrderLine).update({
                PurchaseOrderLine.quantity: PurchaseOrderLine.quantity + form.quantity,
                PurchaseOrderLine.unit_price: price}).where(PurchaseOrderLine.id == existing["id"])
        else:
            await tenant.scoped(PurchaseOrderLine).new(purchase_order=order_id, variant=variant["id"],
                                                       quantity=form.quantity, unit_price=price,
                                                       not_carried=not carried).save()
    if carried:
        return ""
    return _("%(sku)s is not on %(supplier)s's list of SKUs: added anyway, check it with them.",
             sku=variant["sku"], supplier=order.supplier_name)


async def remove_line(tenant: Tenant, order_id: int, line_id: int) -> None:
    order = await get_order(tenant, order_id)
    _require(order, PurchaseStatus.DRAFT, message=_("Only a draft purchase order can be changed."))
    where = (PurchaseOrderLine.id == line_id) & (PurchaseOrderLine.purchase_order == order_id)
    if not await tenant.scoped(PurchaseOrderLine).exists().where(where):
        raise NotFound(_("Not found."))
    await tenant.scoped(PurchaseOrderLine).delete().where(where)


async def set_landed_costs(tenant: Tenant, order_id: int, form: LandedCostForm) -> None:
    """Freight, other costs and how they are shared; only before anything was received."""
    order = await get_order(tenant, order_id)
    _require(order, PurchaseStatus.DRAFT, PurchaseStatus.ORDERED,
             message=_("Landed costs can be changed only before anything is received."))
    async with transaction():
        await tenant.scoped(PurchaseOrder).update({
            PurchaseOrder.freight: form.freight, PurchaseOrder.other_costs: form.other_costs,
            PurchaseOrder.allocation: form.allocation, PurchaseOrder.currency: form.currency,
        }).where(PurchaseOrder.id == order_id)
        await record(tenant.organization_id, tenant.actor, "purchase_order.costs", "purchase_order", order_id,
                     before={"freight": order.freight, "other_costs": order.other_costs,
                             "allocation": order.allocation},
                     after={"freight": form.freight, "other_costs": form.other_costs, "allocation": form.allocation})


async def _move(tenant: Tenant, order: OrderRow, target: PurchaseStatus, *allowed: PurchaseStatus, message: str,
                **values) -> None:
    """Change the status only if it still is one of `allowed` (a conditional update), audited."""
    async with transaction():
        changed = await tenant.scoped(PurchaseOrder).update({PurchaseOrder.status: target, **values}).where(
            (PurchaseOrder.id == order.id) & PurchaseOrder.status.is_in(list(allowed))).returning(PurchaseOrder.id)
        if not changed:
            raise Conflict(message)
        await record(tenant.organization_id, tenant.actor, f"purchase_order.{target.value}", "purchase_order",
                     order.id, before={"status": order.status}, after={"status": target.value})


async def place_order(tenant: Tenant, order_id: int) -> None:
    """Draft -> ordered: the goods count as incoming from now on."""
    order = await get_order(tenant, order_id)
    if not await tenant.scoped(PurchaseOrderLine).exists().where(PurchaseOrderLine.purchase_order == order_id):
        raise ValidationFailed({"code": _("Add at least one line before ordering.")})
    unpriced = [line.sku for line in await lines_of(tenant, order) if line.unit_price <= 0]
    if unpriced:  # ordered at Rp 0, the stock would be valued at nothing when it arrives
        raise ValidationFailed({"unit_price": _("Set a unit price before ordering; these lines have none: %(skus)s.",
                                                skus=", ".join(unpriced))})
    await _move(tenant, order, PurchaseStatus.ORDERED, PurchaseStatus.DRAFT,
                message=_("Only a draft purchase order can be ordered."), ordered_at=utcnow())


async def cancel_order(tenant: Tenant, order_id: int) -> None:
    """Draft or ordered (nothing received yet) -> cancelled."""
    order = await get_order(tenant, order_id)
    await _move(tenant, order, PurchaseStatus.CANCELLED, PurchaseStatus.DRAFT, PurchaseStatus.ORDERED,
                message=_("A purchase order can be cancelled only before anything is received."),
                closed_at=utcnow())
    await tenant.scoped(PurchaseOrderLine).update({PurchaseOrderLine.scanned: 0}).where(
        PurchaseOrderLine.purchase_order == order_id)


async def close_short(tenant: Tenant, order_id: int) -> None:
    """Partly received -> received: the rest is not coming (the under-delivery stays recorded)."""
    order = await get_order(tenant, order_id)
    await _move(tenant, order, PurchaseStatus.RECEIVED, PurchaseStatus.PARTLY_RECEIVED,
                message=_("Only a partly received purchase order can be closed."), closed_at=utcnow())


def _receivable(order: OrderRow) -> None:
    if order.status == PurchaseStatus.CANCELLED:
        raise Conflict(_("%(number)s was cancelled: nothing can be received against it.", number=order.number))
    _require(order, *OPEN_STATUSES,
             message=_("Only an ordered purchase order can be received (this one is %(status)s).",
                       status=PurchaseStatus(order.status).label()))


async def scan(tenant: Tenant, order_id: int, code: str, quantity: int | None = None) -> LineRow:
    """Count `quantity` (default one) more units of the scanned SKU or barcode as arrived; nothing
    is in stock until the receipt is posted. Refuses a code not on the order."""
    order = await get_order(tenant, order_id)
    _receivable(order)
    variant = await variant_by_code(tenant, code)
    if variant is None:
        raise ValidationFailed({"code": _("No variant has the SKU or barcode %(code)s.", code=code)})
    updated = await tenant.scoped(PurchaseOrderLine).update({
        PurchaseOrderLine.scanned: PurchaseOrderLine.scanned + (quantity or 1)}).where(
        (PurchaseOrderLine.purchase_order == order_id) & (PurchaseOrderLine.variant == variant["id"])).returning(
        PurchaseOrderLine.id)
    if not updated:
        raise ValidationFailed({"code": _("%(sku)s is not on %(number)s.", sku=variant["sku"], number=order.number)})
    return next(line for line in await lines_of(tenant, order) if line.id == updated[0]["id"])


async def clear_scans(tenant: Tenant, order_id: int) -> None:
    """Forget what was scanned and not posted (a miscount: start again)."""
    order = await get_order(tenant, order_id)
    _receivable(order)
    await tenant.scoped(PurchaseOrderLine).update({PurchaseOrderLine.scanned: 0}).where(
        PurchaseOrderLine.purchase_order == order_id)


@dataclass(frozen=True, slots=True)
class ReceiptResult:
    units: int
    short: int  # units still outstanding after this receipt
    over: int  # units beyond what was ordered
    status: PurchaseStatus


async def post_receipt(tenant: Tenant, order_id: int) -> ReceiptResult:
    """Put what was scanned into stock at the order's location, each unit at its landed cost
    (price + its share of freight and other costs), through inventory's receive path; the
    order becomes partly received or received. Over- and under-deliveries are recorded."""
    async with transaction():
        order = await get_order(tenant, order_id)
        _receivable(order)
        lines = await lines_of(tenant, order)
        todo = [line for line in lines if line.scanned > 0]
        if not todo:
            raise ValidationFailed({"code": _("Nothing scanned yet: scan the goods first.")})
        for line in todo:
            for cost, units in unit_costs(_cost_line(line), line.landed_share, line.received, line.scanned):
                await inventory.receive(tenant, line.variant, order.location, units, reason=order.number,
                                        reference=f"po:{order.id}", unit_cost=cost)
            claimed = await tenant.scoped(PurchaseOrderLine).update({
                PurchaseOrderLine.received: PurchaseOrderLine.received + line.scanned,
                PurchaseOrderLine.scanned: 0}).where(
                (PurchaseOrderLine.id == line.id) & (PurchaseOrderLine.scanned == line.scanned)).returning(
                PurchaseOrderLine.id)
            if not claimed:  # another device posted or scanned meanwhile: undo all of this receipt
                raise Conflict(_("Someone else is receiving this order: reload and post again."))
        after = [(line.quantity, line.received + line.scanned) for line in lines]
        short = sum(max(q - r, 0) for q, r in after)
        over = sum(max(r - q, 0) for q, r in after)
        status = PurchaseStatus.PARTLY_RECEIVED if short else PurchaseStatus.RECEIVED
        await tenant.scoped(PurchaseOrder).update({
            PurchaseOrder.status: status, PurchaseOrder.closed_at: utcnow() if not short else None}).where(
            PurchaseOrder.id == order_id)
        units = sum(line.scanned for line in todo)
        await record(tenant.organization_id, tenant.actor, "purchase_order.received", "purchase_order", order_id,
                     before={"status": order.status},
                     after={"status": status.value, "units": units, "short": short, "over": over,
                            "lines": {line.sku: line.scanned for line in todo}})
    return ReceiptResult(units, short, over, status)


def receipt_message(result: ReceiptResult) -> str:
    parts = [ngettext("%(num)s unit received.", "%(num)s units received.", result.units)]
    if result.short:
        parts.append(ngettext("%(num)s unit still to come.", "%(num)s units still to come.", result.short))
    if result.over:
        parts.append(ngettext("%(num)s unit more than ordered.", "%(num)s units more than ordered.", result.over))
    return " ".join(parts)


async def incoming(tenant: Tenant, variant_ids: list[int] | None = None) -> dict[int, int]:
    """{variant id: units ordered and not yet received} over the open purchase orders."""
    query = tenant.scoped(PurchaseOrderLine).select(
        PurchaseOrderLine.variant, PurchaseOrderLine.quantity, PurchaseOrderLine.received).where(
        PurchaseOrderLine.purchase_order.status.is_in(list(OPEN_STATUSES)))
    if variant_ids is not None:
        if not variant_ids:
            return {}
        query = query.where(PurchaseOrderLine.variant.is_in(variant_ids))
    totals: dict[int, int] = {}
    for row in await query:
        totals[row["variant"]] = totals.get(row["variant"], 0) + max(row["quantity"] - row["received"], 0)
    return {v: n for v, n in totals.items() if n}



@dataclass(frozen=True, slots=True)
class IncomingRow:
    variant: int
    sku: str
    name: str
    incoming: int
    orders: tuple[tuple[int, str], ...]  # (id, number) of the open purchase orders bringing it


async def incoming_list(tenant: Tenant, variant_ids: list[int] | None = None, limit: int = 200) -> list[IncomingRow]:
    """Units ordered and not yet received per SKU, with the purchase orders bringing them."""
    query = tenant.scoped(PurchaseOrderLine).select(
        PurchaseOrderLine.variant, PurchaseOrderLine.variant.sku.as_alias("sku"),
        PurchaseOrderLine.variant._.product.name.as_alias("name"), PurchaseOrderLine.quantity,
        PurchaseOrderLine.received,
        PurchaseOrderLine.purchase_order, PurchaseOrderLine.purchase_order.number.as_alias("number"),
    ).where(PurchaseOrderLine.purchase_order.status.is_in(list(OPEN_STATUSES)) & (
        PurchaseOrderLine.quantity > PurchaseOrderLine.received)).order_by(PurchaseOrderLine.variant.sku)
    if variant_ids is not None:
        if not variant_ids:
            return []
        query = query.where(PurchaseOrderLine.variant.is_in(variant_ids))
    rows: dict[int, IncomingRow] = {}
    for r in await query:
        seen = rows.get(r["variant"])
        units = r["quantity"] - r["received"]
        order = ((r["purchase_order"], r["number"]),)
        rows[r["variant"]] = (IncomingRow(r["variant"], r["sku"], r["name"], units, order) if seen is None else
                              replace(seen, incoming=seen.incoming + units, orders=seen.orders + order))
    return list(rows.values())[:limit]
