"""Bulk actions on orders chosen in the order queue: accept (start picking), one pick list, labels,
mark packed (the warehouse's own step, local for every channel), ship (a marketplace order through
its marketplace, in a job). Each order is checked on its own: the ones that may not take the action are
refused with a reason and left exactly as they were. Ids of other organisations are treated like
ids that do not exist: refused as not found, never read or touched."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.fulfillment import picking, platform_actions, shipping
from app.domains.fulfillment.statuses import ShipmentStatus
from app.domains.fulfillment.tables import PickListOrder, Shipment
from app.domains.orders import MAX_SELECTED, LabelRow, OrderState, WarehouseOrder

log = logging.getLogger(__name__)

MAX_IDS = MAX_SELECTED  # the order queue offers no more than this


class BulkAction(StrEnum):
    ACCEPT = "accept"  # ready to ship -> picking
    PICK_LIST = "pick_list"  # the same, recorded as one pick list to print
    LABELS = "labels"
    SLIPS = "slips"  # one PDF of packing slips
    PACK = "pack"
    SHIP = "ship"


@dataclass(slots=True)
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # shipment arranged, no tracking number yet
    queued: list[int] = field(default_factory=list)  # sent to the marketplace by a job (order page shows the answer)
    refused: Counter[str] = field(default_factory=Counter)  # reason -> how many
    pick_list_id: int | None = None

    def refuse(self, reason: str) -> None:
        self.refused[reason] += 1

    @property
    def message(self) -> str:
        parts = [_("%(n)s done", n=len(self.done))]
        if self.waiting:
            parts.append(_("%(n)s waiting for a tracking number", n=len(self.waiting)))
        if self.queued:
            parts.append(_("%(n)s sent to the marketplace (each order page shows its answer)", n=len(self.queued)))
        text = ", ".join(parts)
        if self.refused:
            reasons = "; ".join(f"{reason} ({n})" for reason, n in self.refused.most_common())
            text += ", " + _("%(n)s refused: %(reasons)s", n=sum(self.refused.values()), reasons=reasons)
        return text + "."


def _word(state: str) -> str:
    text = OrderState(state).label()  # inside a sentence: "2 refused: ready to ship, pack it first"
    return text[:1].lower() + text[1:]


async def _own(tenant: Tenant, ids: list[int], outcome: BulkOutcome) -> list[WarehouseOrder]:
    rows = await orders.warehouse_orders(tenant, ids)
    for _missing in range(len(ids) - len(rows)):
        outcome.refuse(_("not found"))
    return rows


def _pickable(row: WarehouseOrder, outcome: BulkOutcome) -> bool:
    if row.state != OrderState.READY_TO_SHIP:
        outcome.refuse(_("%(state)s, not ready to ship", state=_word(row.state)))
    elif row.oversold:
        outcome.refuse(_("oversold: not enough stock"))
    elif row.has_unmapped_lines:
        outcome.refuse(_("has unmapped items"))
    else:
        return True
    return False


async def run(tenant: Tenant, action: BulkAction, ids: list[int]) -> BulkOutcome:
    """Apply `action` to each chosen order that allows it; the outcome counts done and refused."""
    outcome = BulkOutcome()
    rows = await _own(tenant, ids, outcome)
    if action in (BulkAction.ACCEPT, BulkAction.PICK_LIST):
        eligible = [r.id for r in rows if _pickable(r, outcome)]
        if eligible and action is BulkAction.PICK_LIST:
            try:
                outcome.pick_list_id = await picking.create_pick_list(tenant, eligible)
            except ValidationFailed:
                moved = []
            else:
                moved = [r["order"] for r in await tenant.scoped(PickListOrder).select(PickListOrder.order).where(
                    PickListOrder.pick_list == outcome.pick_list_id)]
        else:
            moved = await orders.start_picking(tenant, eligible) if eligible else []
        outcome.done = moved
        for _late in range(len(eligible) - len(moved)):
            outcome.refuse(_("changed meanwhile"))
    elif action is BulkAction.PACK:
        for row in rows:
            if row.state not in (OrderState.READY_TO_SHIP, OrderState.PICKING):
                outcome.refuse(_("%(state)s, cannot be packed", state=_word(row.state)))
            elif row.oversold or row.has_unmapped_lines:
                outcome.refuse(_("oversold or unmapped: check it first"))
            else:
                await _apply(outcome, row, orders.transition(tenant, row.id, OrderState.PACKED))
    elif action is BulkAction.SHIP:
        await _ship(tenant, rows, outcome)
    elif action in (BulkAction.LABELS, BulkAction.SLIPS):
        for row in rows:
            if row.state == OrderState.CANCELLED:
                outcome.refuse(_("cancelled"))
            else:
                outcome.done.append(row.id)
    return outcome


async def _apply(outcome: BulkOutcome, row: WarehouseOrder, step) -> None:
    try:
        await step
    except AppError as exc:
        log.info("bulk action refused for order %s: %s", row.id, exc.message)
        outcome.refuse(_("changed meanwhile"))
    else:
        outcome.done.append(row.id)


async def _ship(tenant: Tenant, rows: list[WarehouseOrder], outcome: BulkOutcome) -> None:
    """Marketplace orders go to the marketplace in a job each (arrange shipment, then its tracking
    number), never hundreds of calls inside this request; manual orders ship at once, only when
    they already carry a courier and tracking number."""
    waiting = {r["order"] for r in await tenant.scoped(Shipment).select(Shipment.order).where(
        Shipment.order.is_in([r.id for r in rows] or [-1]) & (Shipment.status == ShipmentStatus.AWAITING_TRACKING))}
    for row in rows:
        state = OrderState(row.state)
        if state in shipping.ALREADY_SHIPPED:
            outcome.refuse(_("already shipped"))
            continue
        if state is not OrderState.PACKED and row.id not in waiting:
            outcome.refuse(_("%(state)s, pack it first", state=_word(state.value)))
            continue
        if row.store is not None:
            try:
                await platform_actions.request_ship(tenant, row.id)
            except AppError as exc:
                log.info("bulk ship refused for order %s: %s", row.id, exc.message)
                outcome.refuse(_("the marketplace is still answering an earlier action"))
                continue
            outcome.queued.append(row.id)
            continue
        if not (row.tracking_number and row.shipping_carrier):
            outcome.refuse(_("manual order without a tracking number: ship it on its own page"))
            continue
        try:
            result = await shipping.ship(tenant, row.id, carrier=row.shipping_carrier,
                                         tracking_number=row.tracking_number)
        except AppError as exc:
            log.info("bulk ship refused for order %s: %s", row.id, exc.message)
            outcome.refuse(_("changed meanwhile"))
            continue
        (outcome.done if result.shipped else outcome.waiting).append(row.id)


@dataclass(frozen=True, slots=True)
class LabelLine:
    quantity: int


@dataclass(frozen=True, slots=True)
class LabelShipment:
    carrier: str


@dataclass(frozen=True, slots=True)
class LabelOrder:
    """What a shipping label shows of one order."""

    id: int
    channel: str
    platform_order_id: str
    customer_name: str
    customer_phone: str
    address: dict[str, Any]
    total: int
    currency: str
    cash_on_delivery: bool
    shipping_carrier: str
    tracking_number: str
    store_name: str | None
    location_code: str | None
    lines: list[LabelLine]
    shipment: LabelShipment | None


LABEL_FIELDS = tuple(f.name for f in fields(LabelRow))


async def label_orders(tenant: Tenant, ids: list[int]) -> list[LabelOrder]:
    """The chosen orders (not cancelled) with what a label shows, in four queries whatever the count."""
    rows = await orders.label_rows(tenant, ids)
    found = [r.id for r in rows] or [-1]
    quantities = await orders.line_quantities(tenant, found)
    carriers = {r["order"]: LabelShipment(r["carrier"]) for r in await tenant.scoped(Shipment).select(
        Shipment.order, Shipment.carrier).where(Shipment.order.is_in(found))}
    return [LabelOrder(**{f: getattr(row, f) for f in LABEL_FIELDS},
                       lines=[LabelLine(q) for q in quantities.get(row.id, [])], shipment=carriers.get(row.id))
            for row in rows]
