"""Customers, built from orders: the same person across channels is one customer, merged by
phone number (normalised to +62…) within an organisation."""

from __future__ import annotations

import re
from datetime import datetime

from piccolo.query.functions.aggregate import Count, Max, Sum

from app.core.tenancy import Tenant
from app.domains.orders.tables import Order


def normalize_phone(raw: str | None) -> str:
    """'0812-3456 789', '+62 812 3456 789' and '62812…' are the same number: '+628123456789'.
    Masked numbers from marketplaces ('******789') stay as they are."""
    text = (raw or "").strip()
    if not text or "*" in text:
        return text[:40]
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return ("+" + digits)[:40] if digits else ""


def normalize_email(raw: str | None) -> str:
    """Trimmed and lower-cased; masked addresses ('a***@…') and anything without an @ merge
    nobody, so they become ''."""
    text = (raw or "").strip().lower()
    if "@" not in text or "*" in text or len(text) > 200 or " " in text:
        return ""
    return text


async def list_customers(tenant: Tenant, q: str = "", limit: int = 100) -> list[dict]:
    query = tenant.scoped(Order).select(
        Order.customer_phone, Max(Order.customer_name, alias="name"), Count(Order.id, alias="orders"),
        Sum(Order.total, alias="spent"), Max(Order.placed_at, alias="last_order"),
    ).where(Order.customer_phone != "").group_by(Order.customer_phone)
    if q.strip():
        like = f"%{q.strip()}%"
        query = query.where(Order.customer_name.ilike(like) | Order.customer_phone.ilike(like))
    rows = await query.limit(limit)
    for r in rows:  # SQLite hands aggregates of timestamps back as text
        if isinstance(r["last_order"], str):
            r["last_order"] = datetime.fromisoformat(r["last_order"])
    rows.sort(key=lambda r: r["last_order"].timestamp() if r["last_order"] else 0, reverse=True)
    return rows


async def customer_orders(tenant: Tenant, phone: str) -> list[dict]:
    return await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.channel, Order.state, Order.total, Order.currency, Order.placed_at,
        Order.customer_name, Order.store.name.as_alias("store_name"),
    ).where(Order.customer_phone == normalize_phone(phone)).order_by(Order.placed_at, ascending=False).limit(200)
