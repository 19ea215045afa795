"""Orders that arrived before their listing was mapped: once the seller maps it, the open orders'
lines of that listing get their variant, the order's stock is reserved (or the order is flagged
oversold) and it can be picked, as if the mapping had been there when the order came in."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.database import is_postgres, savepoint, transaction
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import inventory as signals
from app.domains import inventory as stock
from app.domains.inventory import InsufficientStock
from app.domains.notifications import notify
from app.domains.orders.ingest import add_event, settle_stock
from app.domains.orders.statuses import NEEDS_RESERVATION, OrderState, StockState
from app.domains.orders.tables import Order, OrderLine

# Orders whose lines may still be re-resolved: nothing has left the warehouse yet.
OPEN_STATES = [OrderState.UNPAID, OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED]


@dataclass(slots=True)
class Resolved:
    orders: list[int] = field(default_factory=list)
    reserved: list[int] = field(default_factory=list)
    oversold: list[int] = field(default_factory=list)


async def resolve_listing_lines(tenant: Tenant, store_id: int, item_id: str, model_id: str,
                                variant_id: int) -> Resolved:
    """Give the unmapped lines of this listing in the store's open orders their variant, then
    reserve each such order's stock whole or flag it oversold. Stock listeners hear after the
    commit (the push follows). Running it twice changes nothing the second time."""
    result = Resolved()
    async with signals.held():
        async with transaction():
            lines = await _waiting_lines(tenant, store_id, item_id, model_id)
            if not lines:
                return result
            if is_postgres():
                # An ingest of the same orders settles their stock too: take them in id order, as it
                # does, then read the lines again (one may have been mapped meanwhile).
                await tenant.scoped(Order).select(Order.id).where(
                    Order.id.is_in(sorted({r["order"] for r in lines}))).order_by(Order.id).lock_rows()
                lines = await _waiting_lines(tenant, store_id, item_id, model_id)
                if not lines:
                    return result
            await tenant.scoped(OrderLine).update({OrderLine.variant: variant_id}).where(
                OrderLine.id.is_in([r["id"] for r in lines]))
            new_lines: dict[int, list[int]] = {}
            for row in lines:
                new_lines.setdefault(row["order"], []).append(row["id"])
            for order_id in sorted(new_lines):
                await _resolve_order(tenant, order_id, new_lines[order_id], result)
    return result


async def listings_with_waiting_lines(tenant: Tenant, store_id: int, keys: list[tuple[str, str]]
                                      ) -> set[tuple[str, str]]:
    """Which of these (item id, model id) listings have unmapped lines in the store's open orders."""
    if not keys:
        return set()
    wanted = set(keys)
    found: set[tuple[str, str]] = set()
    items = sorted({item for item, _model in wanted})
    for start in range(0, len(items), 500):
        rows = await tenant.scoped(OrderLine).select(OrderLine.platform_item_id, OrderLine.platform_model_id).where(
            (OrderLine.order.store == store_id) & OrderLine.variant.is_null()
            & OrderLine.order.state.is_in(OPEN_STATES) & OrderLine.platform_item_id.is_in(items[start:start + 500]))
        found |= {(r["platform_item_id"], r["platform_model_id"]) for r in rows} & wanted
    return found


async def _waiting_lines(tenant: Tenant, store_id: int, item_id: str, model_id: str) -> list[dict]:
    return await tenant.scoped(OrderLine).select(OrderLine.id, OrderLine.order).where(
        (OrderLine.order.store == store_id) & (OrderLine.platform_item_id == item_id)
        & (OrderLine.platform_model_id == model_id) & OrderLine.variant.is_null()
        & OrderLine.order.state.is_in(OPEN_STATES)).order_by(OrderLine.id)


async def waiting_units(tenant: Tenant, store_id: int, item_id: str, model_id: str) -> int:
    """Units of this listing in the store's open orders that still wait for it to be mapped."""
    rows = await tenant.scoped(OrderLine).select(OrderLine.quantity).where(
        (OrderLine.order.store == store_id) & (OrderLine.platform_item_id == item_id)
        & (OrderLine.platform_model_id == model_id) & OrderLine.variant.is_null()
        & OrderLine.order.state.is_in(OPEN_STATES))
    return sum(r["quantity"] for r in rows)


async def _resolve_order(tenant: Tenant, order_id: int, line_ids: list[int], result: Resolved) -> None:
    result.orders.append(order_id)
    still_unmapped = await tenant.scoped(OrderLine).exists().where(
        (OrderLine.order == order_id) & OrderLine.variant.is_null())
    await tenant.scoped(Order).update({Order.has_unmapped_lines: still_unmapped}).where(Order.id == order_id)
    await add_event(tenant, order_id, "mapped", _("%(n)s item(s) mapped to the catalog after the order arrived.",
                                               n=len(line_ids)))
    order = await tenant.scoped(Order).select(Order.state, Order.stock_state, Order.oversold, Order.location).where(
        Order.id == order_id).first()
    state, current = OrderState(order["state"]), StockState(order["stock_state"])
    if state not in NEEDS_RESERVATION or order["location"] is None:
        return
    if current == StockState.RESERVED:
        await _reserve_added_lines(tenant, order_id, order, line_ids, result)
        return
    if await settle_stock(tenant, order_id) == StockState.RESERVED:
        result.reserved.append(order_id)
        if order["oversold"]:  # every line is reserved now: nothing is sold without stock any more
            await tenant.scoped(Order).update({Order.oversold: False}).where(Order.id == order_id)
    else:
        result.oversold.append(order_id)


async def _reserve_added_lines(tenant: Tenant, order_id: int, order: dict, line_ids: list[int],
                               result: Resolved) -> None:
    """The order's other lines are reserved already: reserve the newly mapped ones too. An order's
    reservation stays whole or nothing (a cancel releases every mapped line), so when they cannot
    be reserved the earlier lines are released and the order is flagged oversold."""
    rows = await tenant.scoped(OrderLine).select(OrderLine.id, OrderLine.variant, OrderLine.quantity).where(
        (OrderLine.order == order_id) & OrderLine.variant.is_not_null())
    added = [stock.Line(r["variant"], order["location"], r["quantity"]) for r in rows if r["id"] in line_ids]
    earlier = [stock.Line(r["variant"], order["location"], r["quantity"]) for r in rows if r["id"] not in line_ids]
    reference = f"order:{order_id}"
    try:
        async with savepoint():
            await stock.reserve(tenant, added, reference=reference)
    except InsufficientStock as exc:
        if earlier:
            await stock.release(tenant, earlier, reference=reference, reason=_("order oversold after mapping"))
        await tenant.scoped(Order).update({Order.oversold: True, Order.stock_state: StockState.RELEASED}).where(
            Order.id == order_id)
        await add_event(tenant, order_id, "oversold", _(
            "Not enough stock to reserve this order (%(why)s). Sold by the platform without stock here.",
            why=exc.message))
        await notify(tenant, "oversold", _("Order %(id)s was sold without stock here: check it.", id=order_id),
                     link=f"/orders/{order_id}", dedupe_key=f"oversold:{order_id}")
        result.oversold.append(order_id)
        return
    await add_event(tenant, order_id, "stock", _("Stock %(what)s.", what=_(StockState.RESERVED.value)))
    result.reserved.append(order_id)
