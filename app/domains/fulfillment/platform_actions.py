"""Actions on a marketplace order go through the marketplace: cancelling it (with a reason the
seller picks from the platform's reasons) and arranging its shipment. A local status change
would leave the marketplace saying something else (cancelled here, READY_TO_SHIP on Shopee).

The request records an OrderAction and commits; a job then calls the marketplace (never inside
a database transaction) and records the outcome. A cancel that the marketplace accepted is
read back from it, so the order, its stock and the push follow the platform's word."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core import tasks
from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import AppError, Conflict, NotFound, ValidationFailed
from app.core.i18n import N_, _, deferred
from app.core.queue import get_queue, job_options, task_job
from app.core.records import from_row
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.audit import record
from app.domains.fulfillment.statuses import ActionKind, ActionStatus
from app.domains.fulfillment.tables import OrderAction
from app.domains.orders import OrderDetail, OrderState, WarehouseOrder, ingest_orders, record_event
from app.domains.stores import cancel_reasons_of, connection_for, get_store, open_adapter
from app.integrations.base import CancelReason, CancelRequest
from app.integrations.errors import IntegrationError

log = logging.getLogger(__name__)

CANCELLABLE = {OrderState.UNPAID, OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED}
REASON_LABELS = {
    CancelReason.OUT_OF_STOCK: N_("Out of stock"),
    CancelReason.BUYER_REQUEST: N_("The buyer asked to cancel"),
    CancelReason.UNDELIVERABLE_ADDRESS: N_("The address cannot be delivered to"),
    CancelReason.WRONG_PRICE: N_("The price was wrong"),
}
KIND_LABELS = {ActionKind.CANCEL: N_("Cancel on the marketplace"), ActionKind.SHIP: N_("Arrange shipment")}
STATUS_LABELS = {ActionStatus.PENDING: N_("waiting for the marketplace"), ActionStatus.DONE: N_("done"),
                 ActionStatus.FAILED: N_("refused")}


async def order_page_extras(tenant: Tenant, order: OrderDetail) -> dict[str, Any]:
    """What a marketplace order's page adds (registered into orders by app/wiring.py): its actions
    on the marketplace, the one still pending, the platform's cancel reasons, whether it may cancel."""
    actions = await actions_of(tenant, order.id)
    return {"actions": actions, "cancel_reasons": cancel_reasons(order.channel),
            "pending": next((a for a in actions if a.status == "pending"), None),
            "cancellable": order.state in CANCELLABLE}


def cancel_reasons(platform: str) -> list[tuple[str, str]]:
    """(value, label) of the reasons this platform takes for a seller's cancel."""
    return [(reason.value, _(REASON_LABELS[reason])) for reason in cancel_reasons_of(platform)]


async def _marketplace_order(tenant: Tenant, order_id: int) -> WarehouseOrder:
    row = await orders.warehouse_order(tenant, order_id)
    if row is None:
        raise NotFound(_("Order not found."))
    if row.store is None:
        raise Conflict(_("This order was not placed on a marketplace."))
    return row


@dataclass(frozen=True, slots=True)
class ActionRow:
    """A marketplace action on the order page, with the labels a person reads."""

    id: int
    kind: str
    reason: str
    status: str
    message: str
    created_at: datetime
    finished_at: datetime | None
    kind_label: str
    status_label: str
    reason_label: str


async def pending_action(tenant: Tenant, order_id: int) -> OrderAction | None:
    return await tenant.scoped(OrderAction).objects().where(
        (OrderAction.order == _pk(order_id)) & (OrderAction.status == ActionStatus.PENDING)).first()


async def actions_of(tenant: Tenant, order_id: int) -> list[ActionRow]:
    """The order's marketplace actions, newest first, with labels a person reads."""
    rows = await tenant.scoped(OrderAction).select().where(OrderAction.order == _pk(order_id)).order_by(
        OrderAction.id, ascending=False).limit(20)
    return [from_row(ActionRow, row, kind_label=_(KIND_LABELS[ActionKind(row["kind"])]),
                     status_label=_(STATUS_LABELS[ActionStatus(row["status"])]),
                     reason_label=_(REASON_LABELS[CancelReason(row["reason"])]) if row["reason"] else "")
            for row in rows]


async def request_cancel(tenant: Tenant, order_id: int, reason: str) -> int:
    """Record a cancel of a marketplace order with one of its platform's reasons; a job carries it
    out. ValidationFailed for a reason the platform does not take, Conflict when the order can no
    longer be cancelled or an action is already waiting. Nothing changes on refusal."""
    order = await _marketplace_order(tenant, order_id)
    try:
        chosen = CancelReason(reason)
    except ValueError:
        chosen = None
    if chosen is None or chosen not in cancel_reasons_of(order.channel):
        raise ValidationFailed({"reason": _("Choose one of the marketplace's reasons for cancelling.")})
    if OrderState(order.state) not in CANCELLABLE:
        raise Conflict(_("An order that is %(state)s can no longer be cancelled.", state=_(order.state)))
    return await _record(tenant, order, ActionKind.CANCEL, chosen.value)


async def request_ship(tenant: Tenant, order_id: int) -> int:
    """Record "arrange the shipment" of a packed marketplace order; a job asks the marketplace."""
    from app.domains.fulfillment.shipping import check_shippable

    order = await _marketplace_order(tenant, order_id)
    check_shippable(order)
    return await _record(tenant, order, ActionKind.SHIP, "")


async def latest_action(tenant: Tenant, order_id: int, kind: ActionKind) -> OrderAction | None:
    return await tenant.scoped(OrderAction).objects().where(
        (OrderAction.order == _pk(order_id)) & (OrderAction.kind == kind)).order_by(
        OrderAction.id, ascending=False).first()


async def _record(tenant: Tenant, order: WarehouseOrder, kind: ActionKind, reason: str) -> int:
    async with transaction():
        await orders.lock_order(tenant, order.id)
        if await pending_action(tenant, order.id):
            raise Conflict(_("The marketplace is still working on this order's last action; wait for its outcome."))
        row = tenant.scoped(OrderAction).new(order=order.id, kind=kind, reason=reason, actor=tenant.actor.user_id)
        await row.save()
    await record(tenant.organization_id, tenant.actor, f"order.{kind.value}_requested", "order", order.id,
                 after={"reason": reason} if reason else None)
    await enqueue(tenant.organization_id, row.id)
    return row.id


async def enqueue(organization_id: int, action_id: int) -> None:
    """Run the action in a job (after the commit); the key keeps it to one job per action."""
    await get_queue().enqueue(task_job(tasks.run_order_action, key=f"order-action:{action_id}",
                                       **job_options(timeout=300, retries=3))(organization_id=organization_id,
                                                                              action_id=action_id))


RESEND_AFTER = timedelta(minutes=2)  # a pending action whose job was lost (enqueue failed, worker died)
GIVE_UP_AFTER = timedelta(hours=1)  # the marketplace kept failing: tell the seller instead of waiting


async def sweep_pending() -> dict[str, int]:
    """Cron: enqueue again the jobs of actions still pending after RESEND_AFTER; mark failed, in
    words, those pending past GIVE_UP_AFTER (the seller may ask again). Every organisation."""
    from app.core.tenancy import Actor

    now = utcnow()
    rows = await OrderAction.select(OrderAction.id, OrderAction.organization, OrderAction.created_at).where(
        (OrderAction.status == ActionStatus.PENDING) & (OrderAction.created_at < now - RESEND_AFTER)).order_by(
        OrderAction.id).limit(500)
    counts = {"resent": 0, "given_up": 0}
    for row in rows:
        if row["created_at"] < now - GIVE_UP_AFTER:
            tenant = Tenant(row["organization"], Actor(None, "worker"))
            action = await tenant.scoped(OrderAction).select().where(OrderAction.id == row["id"]).first()
            await _finish(tenant, action, ActionStatus.FAILED,
                          deferred(N_("The marketplace could not be reached for an hour. Nothing changed there; "
                                      "try again.")))
            counts["given_up"] += 1
        else:
            await enqueue(row["organization"], row["id"])
            counts["resent"] += 1
    return counts


async def run_action(tenant: Tenant, action_id: int) -> str:
    """Carry out a pending action against the marketplace and record its outcome (the job's body).
    A retryable integration error is re-raised so the job tries again; anything else is final."""
    action = await tenant.scoped(OrderAction).select().where(OrderAction.id == action_id).first()
    if action is None or action["status"] != ActionStatus.PENDING:
        return "nothing to do"
    try:
        if action["kind"] == ActionKind.CANCEL:
            message = await _cancel(tenant, action)
        else:
            message = await _ship(tenant, action)
    except IntegrationError as exc:
        if exc.retryable:
            raise
        return await _finish(tenant, action, ActionStatus.FAILED, exc.seller_message)
    except AppError as exc:
        return await _finish(tenant, action, ActionStatus.FAILED, exc.message)
    return await _finish(tenant, action, ActionStatus.DONE, message)


async def _cancel(tenant: Tenant, action: dict[str, Any]) -> str:
    order = await _marketplace_order(tenant, action["order"])
    if OrderState(order.state) is OrderState.CANCELLED:  # the marketplace's own news came first
        return deferred(N_("The order was already cancelled on the marketplace."))
    store_id = order.store
    assert store_id is not None  # _marketplace_order refuses an order of no store
    lines = await orders.platform_lines(tenant, order.id)
    store = await get_store(tenant, store_id)
    async with open_adapter(store.platform) as adapter:
        await adapter.cancel_order(connection_for(tenant, store, adapter), CancelRequest(
            order_id=order.platform_order_id, reason=CancelReason(action["reason"]),
            lines=tuple(lines)))
    # The marketplace's word on the order (cancelled, stock released, pushed) comes by reading it back.
    # The cancel is done whatever happens next: a failed read must not make the job cancel again.
    try:
        await ingest_orders(tenant, store_id, [order.platform_order_id])
    except IntegrationError as exc:
        log.warning("order %s cancelled on the marketplace but not read back: %s", order.id, exc)
        return deferred(N_("Cancelled on the marketplace; StoreSync reads the order back with the next fetch."))
    return deferred(N_("Cancelled on the marketplace."))


async def _ship(tenant: Tenant, action: dict[str, Any]) -> str:
    from app.domains.fulfillment.shipping import ship

    result = await ship(tenant, action["order"])
    if result.shipped:
        return deferred(N_("Shipped: tracking number %(number)s."), number=result.tracking_number)
    return deferred(N_("Shipment arranged; the tracking number follows when the marketplace gives it."))


async def _finish(tenant: Tenant, action: dict[str, Any], status: ActionStatus, message: str) -> str:
    async with transaction():
        await tenant.scoped(OrderAction).update({OrderAction.status: status, OrderAction.message: message[:1000],
                                                 OrderAction.finished_at: utcnow()}).where(
            OrderAction.id == action["id"])
        # Kept as messages and read in the reader's language (the worker writes them).
        label = deferred(KIND_LABELS[ActionKind(action["kind"])])
        await record_event(tenant, action["order"], "marketplace",
                           deferred(N_("%(action)s: %(outcome)s"), action=label, outcome=message)
                           if status is ActionStatus.DONE
                           else deferred(N_("%(action)s refused: %(why)s"), action=label, why=message))
    return message


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def reason_label(value: str) -> str:
    """A stored cancel reason as the seller picked it; ValueError/KeyError for an unknown one."""
    return _(REASON_LABELS[CancelReason(value)])
