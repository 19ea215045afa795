"""Customers, built from orders: the same person across channels is one customer, merged by
phone number (normalised to +62…) or e-mail address (lower-cased) within an organisation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from piccolo.query.functions.aggregate import Count, Max, Sum

from app.core.records import from_rows
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


@dataclass(slots=True)
class Customer:
    key: str  # a phone number, else an e-mail address: what the customer's page is addressed by
    name: str
    phones: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    orders: int = 0
    spent: int = 0
    last_order: datetime | None = None


def _when(value: datetime | str | None) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite aggregates come as text


async def list_customers(tenant: Tenant, q: str = "", limit: int = 100) -> list[Customer]:
    """Orders grouped into people: two orders are the same customer when they share a phone
    number or an e-mail address, directly or through other orders. Most recent first."""
    rows = await tenant.scoped(Order).select(
        Order.customer_phone, Order.customer_email, Max(Order.customer_name, alias="name"),
        Count(Order.id, alias="orders"), Sum(Order.total, alias="spent"), Max(Order.placed_at, alias="last_order"),
    ).where((Order.customer_phone != "") | (Order.customer_email != "")).group_by(
        Order.customer_phone, Order.customer_email)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        keys = [k for k in (f"p:{r['customer_phone']}" if r["customer_phone"] else "",
                            f"e:{r['customer_email']}" if r["customer_email"] else "") if k]
        for k in keys[1:]:
            parent[find(k)] = find(keys[0])
        find(keys[0])
    groups: dict[str, Customer] = {}
    for r in rows:
        root = find(f"p:{r['customer_phone']}" if r["customer_phone"] else f"e:{r['customer_email']}")
        c = groups.setdefault(root, Customer("", ""))
        last = _when(r["last_order"])
        if r["customer_phone"]:
            c.phones.add(r["customer_phone"])
        if r["customer_email"]:
            c.emails.add(r["customer_email"])
        if last and (c.last_order is None or last > c.last_order) or not c.name:
            c.name = r["name"] or c.name
        c.orders += r["orders"]
        c.spent += r["spent"] or 0
        c.last_order = max(filter(None, (c.last_order, last)), default=None)
    customers = list(groups.values())
    for c in customers:
        c.key = min(c.phones) if c.phones else min(c.emails)
    term = q.strip().lower()
    if term:
        customers = [c for c in customers if term in c.name.lower() or any(term in x for x in c.phones | c.emails)]
    customers.sort(key=lambda c: c.last_order.timestamp() if c.last_order else 0, reverse=True)
    return customers[:limit]


async def customer_contacts(tenant: Tenant, key: str) -> tuple[set[str], set[str]]:
    """Every phone and e-mail linked to `key` (a phone or an e-mail) through this organisation's
    orders; both empty when no order has it."""
    phones, emails = set(), set()
    if "@" in key:
        emails.add(normalize_email(key))
    else:
        phones.add(normalize_phone(key))
    phones.discard("")
    emails.discard("")
    size = -1
    while size != len(phones) + len(emails) and size < 1000:  # grow until nothing new links in
        size = len(phones) + len(emails)
        found = await tenant.scoped(Order).select(Order.customer_phone, Order.customer_email).where(
            Order.customer_phone.is_in(sorted(phones) or ["-"]) | Order.customer_email.is_in(sorted(emails) or ["-"])
        ).distinct()
        if not found:
            return set(), set()
        phones |= {r["customer_phone"] for r in found if r["customer_phone"]}
        emails |= {r["customer_email"] for r in found if r["customer_email"]}
    return phones, emails


async def customer_names(tenant: Tenant, keys: list[str]) -> dict[str, str]:
    """The name on each customer's latest order that has one, by key (a phone or an e-mail); keys
    without a named order are left out."""
    phones = sorted({k for k in keys if k and "@" not in k})
    emails = sorted({k for k in keys if "@" in k})
    if not phones and not emails:
        return {}
    rows = await tenant.scoped(Order).select(Order.customer_phone, Order.customer_email, Order.customer_name).where(
        (Order.customer_phone.is_in(phones or ["-"]) | Order.customer_email.is_in(emails or ["-"]))
        & (Order.customer_name != "")).order_by(Order.placed_at, ascending=False).order_by(Order.id, ascending=False)
    names: dict[str, str] = {}
    for row in rows:
        for key in (row["customer_phone"], row["customer_email"]):
            if key and key not in names:
                names[key] = row["customer_name"]
    wanted = set(keys)
    return {key: name for key, name in names.items() if key in wanted}


@dataclass(frozen=True, slots=True)
class CustomerOrder:
    """An order of one customer, on the customer's page."""

    id: int
    platform_order_id: str
    channel: str
    state: str
    total: int
    currency: str
    placed_at: datetime
    customer_name: str
    customer_phone: str
    customer_email: str
    store_name: str | None


async def customer_orders(tenant: Tenant, key: str) -> list[CustomerOrder]:
    phones, emails = await customer_contacts(tenant, key)
    if not phones and not emails:
        return []
    return from_rows(CustomerOrder, await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.channel, Order.state, Order.total, Order.currency, Order.placed_at,
        Order.customer_name, Order.customer_phone, Order.customer_email, Order.store.name.as_alias("store_name"),
    ).where(Order.customer_phone.is_in(sorted(phones) or ["-"]) | Order.customer_email.is_in(sorted(emails) or ["-"])
            ).order_by(Order.placed_at, ascending=False).limit(200))


_POSTAL = re.compile(r"\b\d{5}\b")


def postal_code_of(address: dict | None) -> str:
    """The recipient's postal code: the marketplace's field, else (a manual order's typed address)
    the last five-digit group of the address; '' when there is none."""
    postal = str((address or {}).get("postal_code") or "").strip()
    if not postal:
        found = _POSTAL.findall(str((address or {}).get("full_address") or ""))
        postal = found[-1] if found else ""
    return postal
