"""Free-text tags on orders ("gift wrap", "vip", "cek alamat"): lower-cased, at most 32
characters, once per order, at most 20 per order; the queue filters by them."""

from __future__ import annotations

import re
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.querystring import QueryString

from app.core.database import is_postgres
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.orders.tables import Order, OrderTag

MAX_TAGS = 20
_TAG = re.compile(r"[\w][\w .&+/-]{0,31}")


def normalize_tag(raw: str) -> str:
    """'  Gift   Wrap ' -> 'gift wrap'; ValidationFailed for empty, too long or odd characters."""
    text = " ".join((raw or "").split()).lower()
    if not text or len(text) > 32 or not _TAG.fullmatch(text):
        raise ValidationFailed({"tag": _(
            "A tag is 1 to 32 letters, digits, spaces or - _ . & + /, for example “gift wrap”.")})
    return text


async def _order_id(tenant: Tenant, order_id: int) -> int:
    row = await tenant.scoped(Order).select(Order.id).where(Order.id == order_id).first()
    if row is None:
        raise NotFound(_("Order not found."))
    return row["id"]


async def tags_of(tenant: Tenant, order_id: int) -> list[str]:
    rows = await tenant.scoped(OrderTag).select(OrderTag.tag).where(OrderTag.order == order_id)
    return sorted(r["tag"] for r in rows)


def tag_list_column() -> QueryString:
    """A column for a select of orders: each order's tags in one text ("tag_list"), read with
    `split_tag_list`, so a page of orders needs no second query for its tags (a tag holds no comma)."""
    if is_postgres():
        return QueryString('(SELECT string_agg(t.tag, \',\') FROM order_tag t WHERE t."order" = "order".id) '
                           'AS tag_list')
    return QueryString('(SELECT group_concat(t.tag, \',\') FROM order_tag t WHERE t."order" = "order".id) '
                       'AS tag_list')


def split_tag_list(text: str | None) -> list[str]:
    """The tags of `tag_list_column()`, sorted."""
    return sorted(text.split(",")) if text else []


async def tags_by_order(tenant: Tenant, order_ids: list[int]) -> dict[int, list[str]]:
    """Tags of many orders in one query."""
    found: dict[int, list[str]] = {}
    if order_ids:
        for r in await tenant.scoped(OrderTag).select(OrderTag.order, OrderTag.tag).where(
                OrderTag.order.is_in(order_ids)):
            found.setdefault(r["order"], []).append(r["tag"])
    return {order: sorted(found_tags) for order, found_tags in found.items()}


async def all_tags(tenant: Tenant, limit: int = 200) -> list[str]:
    """The organisation's tags, the most used first (for the queue's filter)."""
    rows = await tenant.scoped(OrderTag).select(OrderTag.tag, Count(OrderTag.id, alias="n")).group_by(
        OrderTag.tag).limit(limit)
    return [r["tag"] for r in sorted(rows, key=lambda r: (-r["n"], r["tag"]))]


async def add_tag(tenant: Tenant, order_id: int, raw: str) -> list[str]:
    """Tag the order (NotFound for another organisation's order); a tag it has already is kept once."""
    order = await _order_id(tenant, order_id)
    tag = normalize_tag(raw)
    current = await tags_of(tenant, order)
    if tag not in current:
        if len(current) >= MAX_TAGS:
            raise ValidationFailed({"tag": _("An order has at most %(n)s tags: remove one first.", n=MAX_TAGS)})
        await tenant.scoped(OrderTag).new(order=order, tag=tag).save()
        current = sorted([*current, tag])
    return current


async def remove_tag(tenant: Tenant, order_id: int, raw: str) -> list[str]:
    order = await _order_id(tenant, order_id)
    tag = " ".join((raw or "").split()).lower()
    await tenant.scoped(OrderTag).delete().where((OrderTag.order == order) & (OrderTag.tag == tag))
    return await tags_of(tenant, order)


def tagged(tenant: Tenant, tag: str) -> Any:
    """A sub-select of the ids of this organisation's orders with `tag`, for list filters."""
    return tenant.scoped(OrderTag).select(OrderTag.order).where(OrderTag.tag == " ".join(tag.split()).lower())
