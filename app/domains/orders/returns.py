"""Returns: open a return for shipped units of an order, then receive it — each unit restocked
(back into available, a ledger row) or written off (damaged; stock already left with the order)."""

from __future__ import annotations

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _, deferred, deferred_plural
from app.core.tenancy import Tenant
from app.domains import inventory as stock
from app.domains.audit import record
from app.domains.inventory import MovementKind
from app.domains.orders.ingest import add_event
from app.domains.orders.statuses import StockState
from app.domains.orders.tables import Order, OrderLine, OrderReturn, ReturnLine


async def returned_so_far(tenant: Tenant, order_id: int) -> dict[int, int]:
    rows = await tenant.scoped(ReturnLine).select(ReturnLine.order_line, ReturnLine.quantity).where(
        ReturnLine.order_return.order == order_id)
    out: dict[int, int] = {}
    for r in rows:
        out[r["order_line"]] = out.get(r["order_line"], 0) + r["quantity"]
    return out


async def open_return(tenant: Tenant, order_id: int, quantities: dict[int, int], reason: str = "") -> int:
    """Open a return of `quantities` (order line id -> units); never more than was shipped."""
    order = await tenant.scoped(Order).select().where(Order.id == order_id).first()
    if order is None:
        raise NotFound(_("Order not found."))
    if order["stock_state"] != StockState.COMMITTED:
        raise Conflict(_("Only shipped orders can be returned."))
    lines = {r["id"]: r for r in await tenant.scoped(OrderLine).select().where(OrderLine.order == order_id)}
    already = await returned_so_far(tenant, order_id)
    wanted = {int(k): int(v) for k, v in quantities.items() if int(v) != 0}
    errors = {}
    for line_id, qty in wanted.items():
        line = lines.get(line_id)
        if line is None:
            errors[f"line-{line_id}"] = _("That item is not part of this order.")
        elif qty < 0 or qty > line["quantity"] - already.get(line_id, 0):
            errors[f"line-{line_id}"] = _("At most %(n)s of %(sku)s can still be returned.",
                                          n=line["quantity"] - already.get(line_id, 0), sku=line["seller_sku"] or line["title"])
    if not wanted and not errors:
        errors["lines"] = _("Choose at least one unit to return.")
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        row = tenant.scoped(OrderReturn).new(order=order_id, reason=reason.strip()[:255])
        await row.save()
        for line_id, qty in wanted.items():
            await tenant.scoped(ReturnLine).new(order_return=row.id, order_line=line_id, quantity=qty).save()
        await add_event(tenant, order_id, "return", deferred_plural("Return opened for %(n)s unit.", "Return opened for %(n)s units.",
                                                                   sum(wanted.values())))
    await record(tenant.organization_id, tenant.actor, "return.opened", "order_return", row.id,
                 after={"order": order_id, "lines": wanted})
    return row.id


async def receive_return(tenant: Tenant, return_id: int, restock: dict[int, int]) -> None:
    """Receive a return: per return line, how many units go back to stock; the rest are written
    off. Restocked units are a ledger receipt (kind return) at the order's location."""
    ret = await tenant.scoped(OrderReturn).select(OrderReturn.all_columns(),
                                                  OrderReturn.order.location.as_alias("location")).where(
        OrderReturn.id == return_id).first()
    if ret is None:
        raise NotFound(_("Return not found."))
    if ret["status"] != "open":
        raise Conflict(_("This return was already received."))
    lines = await tenant.scoped(ReturnLine).select(ReturnLine.all_columns(), ReturnLine.order_line.variant.as_alias("variant")).where(
        ReturnLine.order_return == return_id)
    errors = {}
    for line in lines:
        back = int(restock.get(line["id"], 0))
        if not 0 <= back <= line["quantity"]:
            errors[f"restock-{line['id']}"] = _("Restock between 0 and %(n)s.", n=line["quantity"])
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        claimed = await tenant.scoped(OrderReturn).update({OrderReturn.status: "received", OrderReturn.received_at: utcnow()}).where(
            (OrderReturn.id == return_id) & (OrderReturn.status == "open")).returning(OrderReturn.id)
        if not claimed:
            raise Conflict(_("This return was already received."))
        for line in lines:
            back = int(restock.get(line["id"], 0))
            if back and line["variant"] and ret["location"]:
                await stock.receive(tenant, line["variant"], ret["location"], back, reason=_("return received"),
                                    reference=f"order:{ret['order']}", kind=MovementKind.RETURN)
            await tenant.scoped(ReturnLine).update({ReturnLine.restocked: back,
                                                    ReturnLine.written_off: line["quantity"] - back}).where(
                ReturnLine.id == line["id"])
        await add_event(tenant, ret["order"], "return", deferred("Return received: %(back)s restocked, %(off)s written off.",
                                                        back=sum(int(restock.get(l_["id"], 0)) for l_ in lines),
                                                        off=sum(l_["quantity"] - int(restock.get(l_["id"], 0)) for l_ in lines)))
    await record(tenant.organization_id, tenant.actor, "return.received", "order_return", return_id,
                 after={"restock": {str(k): v for k, v in restock.items()}})


async def returns_of(tenant: Tenant, order_id: int) -> list[dict]:
    """The order's returns, each with its lines: two queries however many returns (one without any)."""
    rets = await tenant.scoped(OrderReturn).select().where(OrderReturn.order == order_id).order_by(OrderReturn.id)
    if not rets:
        return rets
    lines = await tenant.scoped(ReturnLine).select(
        ReturnLine.all_columns(), ReturnLine.order_line.seller_sku.as_alias("sku"),
        ReturnLine.order_line.title.as_alias("title")).where(
        ReturnLine.order_return.is_in([r["id"] for r in rets])).order_by(ReturnLine.id)
    for r in rets:
        r["lines"] = [line for line in lines if line["order_return"] == r["id"]]
    return rets


def returned_of(returns: list[dict]) -> dict[int, int]:
    """Units returned so far per order line, from `returns_of`'s answer (no query)."""
    out: dict[int, int] = {}
    for r in returns:
        for line in r["lines"]:
            out[line["order_line"]] = out.get(line["order_line"], 0) + line["quantity"]
    return out


async def order_of(tenant: Tenant, return_id: int) -> int:
    row = await tenant.scoped(OrderReturn).select(OrderReturn.order).where(OrderReturn.id == return_id).first()
    if row is None:
        raise NotFound(_("Return not found."))
    return row["order"]
