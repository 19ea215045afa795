"""A discount given on an order after it was made (a voucher on a manual order), and the order
reads the marketing domain needs (by number; states of many orders)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.core.tenancy import Tenant
from app.domains.orders.ingest import add_event
from app.domains.orders.tables import Order


async def order_id_by_number(tenant: Tenant, number: str) -> int | None:
    """The id of this organisation's order with this number (M-00012, W-000034 or a marketplace's)."""
    row = await tenant.scoped(Order).select(Order.id).where(Order.platform_order_id == number.strip()).first()
    return row["id"] if row else None


async def add_seller_discount(tenant: Tenant, order_id: int, amount: int, message: str) -> bool:
    """Take `amount` more rupiah off an order the seller made (channel manual), in the caller's
    transaction; False (nothing changed) when the order is not a manual one or the amount would
    take its total below zero."""
    changed = await tenant.scoped(Order).update({Order.seller_discount: Order.seller_discount + amount,
                                                 Order.total: Order.total - amount}).where(
        (Order.id == order_id) & (Order.channel == "manual") & (Order.total >= amount)
        & (Order.state != "cancelled")).returning(Order.id)
    if changed:
        await add_event(tenant, order_id, "note", message)
    return bool(changed)


async def order_states(tenant: Tenant, order_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """{order id: {state, total, channel, customer_phone, customer_email, store}} for these orders."""
    if not order_ids:
        return {}
    rows = await tenant.scoped(Order).select(Order.id, Order.state, Order.total, Order.channel, Order.customer_phone,
                                             Order.customer_email, Order.store).where(
        Order.id.is_in(sorted(set(order_ids))))
    return {r["id"]: r for r in rows}


async def orders_in_states(tenant: Tenant, states: Sequence[str], *, channels: Sequence[str],
                           placed_since: Any = None, limit: int = 5000) -> list[dict[str, Any]]:
    """Orders of these channels in these states (placed since, when given), oldest first: id, channel,
    state, total, customer_phone, customer_email, placed_at."""
    query = tenant.scoped(Order).select(Order.id, Order.channel, Order.state, Order.total, Order.customer_phone,
                                        Order.customer_email, Order.placed_at).where(
        Order.state.is_in(list(states)) & Order.channel.is_in(list(channels) or [""]))
    if placed_since is not None:
        query = query.where(Order.placed_at >= placed_since)
    return await query.order_by(Order.id).limit(limit)


async def customer_spend(tenant: Tenant, phone: str, email: str, since: Any) -> int:
    """What one customer (this phone, or this e-mail address) spent on orders placed since, not
    cancelled or returned."""
    who = (Order.customer_phone == phone) if phone else (Order.customer_email == email)
    rows = await tenant.scoped(Order).select(Order.total).where(
        who & (Order.placed_at >= since) & Order.state.not_in(["cancelled", "returned"]))
    return sum(r["total"] for r in rows)


async def has_customer(tenant: Tenant, key: str) -> bool:
    """Some order of this organisation has this phone number or e-mail address."""
    if not key:
        return False
    return bool(await tenant.scoped(Order).exists().where((Order.customer_phone == key) | (Order.customer_email == key)))


async def email_on_file(tenant: Tenant, customer: str) -> str:
    """The e-mail address on file for a customer (a phone number or an e-mail address): the real,
    unmasked one of their most recent completed order; '' when there is none. Never what a buyer
    typed at a checkout that did not become a completed order."""
    who = (Order.customer_email == customer) if "@" in customer else (Order.customer_phone == customer)
    rows = await tenant.scoped(Order).select(Order.customer_email).where(
        who & (Order.state == "completed") & (Order.customer_email != "")).order_by(
        Order.placed_at, ascending=False).order_by(Order.id, ascending=False).limit(20)
    return next((r["customer_email"] for r in rows if "@" in r["customer_email"] and "*" not in r["customer_email"]), "")
