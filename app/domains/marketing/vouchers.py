"""Vouchers: a code (or a batch of single-use codes) that takes rupiah off an order's items or
pays its shipping. `quote` prices the codes for an order and names the reason a code is refused;
`redeem` claims the uses inside the order's transaction with atomic conditional updates, so the
last use of a voucher goes to exactly one of many racing checkouts.

Rounding (integer rupiah): a percentage is taken of the eligible items' list price and rounded
down to the rupiah (the buyer never gets more than the percent printed), then capped by the
voucher's maximum; a fixed amount never exceeds the eligible items; free shipping pays at most
its amount and never more than the fee. Stacked vouchers add up, never past the items' subtotal."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.query import WhereRaw

from app.core.clock import utcnow
from app.core.database import is_postgres, pg_fetch
from app.core.money import format_money
from app.core.tenancy import Tenant
from app.domains.catalog import active_products, live_variants
from app.domains.marketing.errors import VoucherRefused
from app.domains.marketing.statuses import VoucherKind, VoucherRefusal
from app.domains.marketing.tables import Voucher, VoucherCode, VoucherCustomer, VoucherUse

MAX_CODES = 3  # codes one order may carry
CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{2,39}")


def normalize_code(text: str | None) -> str:
    """'  summer-10 ' -> 'SUMMER-10': codes are compared upper-case, without spaces."""
    return re.sub(r"\s+", "", text or "").upper()[:40]


def parse_codes(raw: Any) -> list[str]:
    """Codes from a form field ('A10, FREESHIP') or a JSON list, each once, in order."""
    items = raw if isinstance(raw, list) else re.split(r"[,;\s]+", raw) if isinstance(raw, str) else []
    return list(dict.fromkeys(c for c in (normalize_code(str(i)) for i in items if isinstance(i, str | int)) if c))


@dataclass(frozen=True, slots=True)
class PricedLine:
    """An order line as the server priced it."""

    variant_id: int
    quantity: int
    unit_price: int


@dataclass(frozen=True, slots=True)
class Applied:
    voucher_id: int
    code_id: int | None
    code: str
    name: str
    items_off: int
    shipping_off: int

    @property
    def discount(self) -> int:
        return self.items_off + self.shipping_off


@dataclass(frozen=True, slots=True)
class Quote:
    """The vouchers an order carries and what they take off (integer rupiah)."""

    applied: tuple[Applied, ...] = ()
    items_off: int = 0
    shipping_off: int = 0

    @property
    def discount(self) -> int:
        return self.items_off + self.shipping_off

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.applied]


NO_VOUCHER = Quote()


def items_discount(kind: str, value: int, max_discount: int, eligible: int) -> int:
    """Rupiah off `eligible` rupiah of items: percent rounded down, then capped; fixed at most eligible."""
    if kind == VoucherKind.PERCENT:
        off = eligible * value // 100
        return min(off, max_discount) if max_discount > 0 else off
    if kind == VoucherKind.FIXED:
        return min(value, eligible)
    return 0


def customer_key(phone: str, email: str = "") -> str:
    """Who a per-customer limit counts: the (normalised) phone number, else the e-mail address."""
    return (phone or email or "").strip()[:200]


def _refuse(code: str, reason: VoucherRefusal, **values: Any) -> VoucherRefused:
    from app.core.i18n import _

    message = reason.label()
    if reason == VoucherRefusal.MIN_SPEND:
        message = _("This voucher needs a minimum spend of %(amount)s on eligible items.",
                    amount=format_money(values["min_spend"]))
    return VoucherRefused(code, reason, f"{code}: {message}")


# The voucher of a plain code and what this customer has used of it, in one statement (every
# website checkout with a code asks this): the raw row as Piccolo's select would give it.
_FIND_WITH_USES = (
    "SELECT v.*, (SELECT c.uses FROM voucher_customer c WHERE c.organization = v.organization AND c.voucher = v.id"
    " AND c.customer = {}) AS customer_uses FROM voucher v WHERE v.organization = {} AND v.code = {} AND NOT v.batch"
    " LIMIT 1")


def _loaded_voucher(row: dict[str, Any]) -> dict[str, Any]:
    voucher = dict(row)
    for name in ("product_ids", "categories"):
        if isinstance(voucher[name], str):
            voucher[name] = json.loads(voucher[name])
    for name in ("stackable", "batch", "active"):
        voucher[name] = bool(voucher[name])
    return voucher


async def _find(tenant: Tenant, code: str, customer: str = "",
                ) -> tuple[dict[str, Any], dict[str, Any] | None, int | None] | None:
    """(voucher, its single-use code or None, the customer's uses so far or None)."""
    rows = await Voucher.raw(_FIND_WITH_USES, customer, tenant.organization_id, code)
    if rows:
        voucher = _loaded_voucher(rows[0])
        return voucher, None, voucher.pop("customer_uses")
    single = await tenant.scoped(VoucherCode).select(VoucherCode.id, VoucherCode.voucher, VoucherCode.used_at).where(
        VoucherCode.code == code).first()
    if single is None:
        return None
    found = await tenant.scoped(Voucher).select().where(Voucher.id == single["voucher"]).output(load_json=True).first()
    if found is None:
        return None
    uses = None
    if found["per_customer_limit"] is not None and customer:
        row = await tenant.scoped(VoucherCustomer).select(VoucherCustomer.uses).where(
            (VoucherCustomer.voucher == found["id"]) & (VoucherCustomer.customer == customer)).first()
        uses = row["uses"] if row else None
    return found, single, uses


async def _catalog_of(tenant: Tenant, variant_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """{variant id: (product id, category)} for these variants."""
    variants = await live_variants(tenant, variant_ids=sorted(set(variant_ids)))
    categories = {p.id: p.category for p in await active_products(tenant, [v.product for v in variants])}
    return {v.id: (v.product, categories.get(v.product, "")) for v in variants}


def _eligible(voucher: dict[str, Any], lines: Sequence[PricedLine], catalog: dict[int, tuple[int, str]]) -> int:
    products = {int(p) for p in voucher["product_ids"] or []}
    categories = {str(c).strip().lower() for c in voucher["categories"] or []}
    total = 0
    for line in lines:
        product, category = catalog.get(line.variant_id, (0, ""))
        if (products or categories) and product not in products and category.strip().lower() not in categories:
            continue
        total += line.unit_price * line.quantity
    return total


async def quote(tenant: Tenant, codes: Any, lines: Sequence[PricedLine], shipping_fee: int, *, customer: str = "",
                contacts: Sequence[str] = (), now: datetime | None = None) -> Quote:
    """What these codes take off this order, or VoucherRefused naming the first refused code and why
    (unknown, not yet valid, expired, used up, customer limit, not in the voucher's segment, not applicable,
    minimum spend, not stackable). `contacts`: the order's phone number and e-mail address, matched
    against a voucher's segment (default: the customer key)."""
    wanted = parse_codes(codes)[:MAX_CODES]
    if not wanted:
        return NO_VOUCHER
    now = now or utcnow()
    catalog: dict[int, tuple[int, str]] | None = None  # read only for a voucher limited to products or categories
    applied: list[Applied] = []
    for code in wanted:
        found = await _find(tenant, code, customer)
        if found is None or not found[0]["active"]:
            raise _refuse(code, VoucherRefusal.UNKNOWN)
        voucher, single, customer_uses = found
        if voucher["starts_at"] is not None and now < voucher["starts_at"]:
            raise _refuse(code, VoucherRefusal.NOT_YET)
        if voucher["ends_at"] is not None and now >= voucher["ends_at"]:
            raise _refuse(code, VoucherRefusal.EXPIRED)
        if (single is not None and single["used_at"] is not None) or (
                voucher["total_limit"] is not None and voucher["used"] >= voucher["total_limit"]):
            raise _refuse(code, VoucherRefusal.EXHAUSTED)
        if voucher["per_customer_limit"] is not None and customer and customer_uses is not None and (
                customer_uses >= voucher["per_customer_limit"]):
            raise _refuse(code, VoucherRefusal.CUSTOMER_LIMIT)
        if voucher["segment"] is not None:
            from app.domains.marketing import segments  # segments -> schemas -> vouchers: imported here

            keys = [c for c in (contacts or [customer]) if c]
            if not await segments.contains(tenant, voucher["segment"], keys):
                raise _refuse(code, VoucherRefusal.NOT_IN_SEGMENT)
        if catalog is None and (voucher["product_ids"] or voucher["categories"]):
            catalog = await _catalog_of(tenant, [line.variant_id for line in lines])
        eligible = _eligible(voucher, lines, catalog or {})
        if eligible <= 0:
            raise _refuse(code, VoucherRefusal.NOT_APPLICABLE)
        if eligible < voucher["min_spend"]:
            raise _refuse(code, VoucherRefusal.MIN_SPEND, min_spend=voucher["min_spend"])
        if len(wanted) > 1 and not voucher["stackable"]:
            raise _refuse(code, VoucherRefusal.NOT_STACKABLE)
        shipping_off = min(voucher["value"], shipping_fee) if voucher["kind"] == VoucherKind.FREE_SHIPPING else 0
        applied.append(Applied(voucher["id"], single["id"] if single else None, code, voucher["name"],
                               items_discount(voucher["kind"], voucher["value"], voucher["max_discount"], eligible),
                               shipping_off))
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    return Quote(tuple(applied), min(sum(a.items_off for a in applied), subtotal),
                 min(sum(a.shipping_off for a in applied), shipping_fee))


async def redeem(tenant: Tenant, offer: Quote, *, order_id: int, customer: str, order_total: int) -> None:
    """Claim one use of each voucher of the quote for this order, in the caller's transaction:
    VoucherRefused (exhausted or customer limit; the caller's transaction then rolls back, the
    order with it) when a racing checkout took the last use first.

    A voucher's usage counter is one row that every checkout with its code updates, locked from
    that update until the commit: call this last in the transaction. Each voucher's claim takes that
    lock in its last step, and vouchers are claimed in id order (a fixed lock order: two orders
    stacking the same codes cannot deadlock)."""
    for applied in sorted(offer.applied, key=lambda a: a.voucher_id):
        if is_postgres():
            await _claim_in_one_statement(tenant, applied, order_id, customer, order_total)
        else:
            await _claim_in_steps(tenant, applied, order_id, customer, order_total)


# $1 voucher, $2 organisation, $3 order, $4 single-use code id (NULL: none), $5 customer key ('' : none),
# $6 code text, $7 discount, $8 order total. The single-use code, then the customer's count (a row
# per voucher and customer, created at its first use), then the voucher's own counter last, each a
# conditional write that runs only when the ones before it succeeded; the use is recorded from the
# counter's RETURNING. The customer limit is read from the voucher as it is now (the seller may
# have changed it since the quote).
_CLAIM_SQL = """
WITH voucher_limit AS (
    SELECT per_customer_limit FROM voucher WHERE id = $1 AND organization = $2
), single AS (
    UPDATE voucher_code SET "order" = $3, used_at = now()
    WHERE id = $4::integer AND organization = $2 AND voucher = $1 AND used_at IS NULL
    RETURNING id
), counted AS (
    INSERT INTO voucher_customer (organization, voucher, customer, uses)
    SELECT $2, $1, $5::varchar, 1 FROM voucher_limit
    WHERE $5::varchar <> '' AND (per_customer_limit IS NULL OR per_customer_limit > 0)
      AND ($4::integer IS NULL OR EXISTS (SELECT 1 FROM single))
    ON CONFLICT (voucher, customer) DO UPDATE SET uses = voucher_customer.uses + 1
    WHERE voucher_customer.uses < COALESCE((SELECT per_customer_limit FROM voucher_limit), 2147483647)
    RETURNING id
), claimed AS (
    UPDATE voucher SET used = used + 1
    WHERE id = $1 AND organization = $2 AND (total_limit IS NULL OR used < total_limit)
      AND ($4::integer IS NULL OR EXISTS (SELECT 1 FROM single))
      AND ($5::varchar = '' OR EXISTS (SELECT 1 FROM counted))
    RETURNING id
), recorded AS (
    INSERT INTO voucher_use (organization, voucher, "order", code, customer, discount, order_total, released,
                             created_at)
    SELECT $2, id, $3, $6, $5::varchar, $7, $8, false, now() FROM claimed
    RETURNING id
)
SELECT $4::integer IS NULL OR EXISTS (SELECT 1 FROM single) AS single_taken,
       $5::varchar = '' OR EXISTS (SELECT 1 FROM counted) AS counted,
       EXISTS (SELECT 1 FROM recorded) AS claimed,
       EXISTS (SELECT 1 FROM voucher_limit) AS found
"""


async def _claim_in_one_statement(tenant: Tenant, applied: Applied, order_id: int, customer: str,
                                  order_total: int) -> None:
    """PostgreSQL: the whole claim of one voucher in one round trip (see _CLAIM_SQL)."""
    row = (await pg_fetch(_CLAIM_SQL, applied.voucher_id, int(tenant.organization_id), order_id, applied.code_id,
                          customer, applied.code, applied.discount, order_total))[0]
    if not row["single_taken"] or not row["found"]:
        raise _refuse(applied.code, VoucherRefusal.EXHAUSTED)
    if not row["counted"]:
        raise _refuse(applied.code, VoucherRefusal.CUSTOMER_LIMIT)
    if not row["claimed"]:
        raise _refuse(applied.code, VoucherRefusal.EXHAUSTED)


async def _claim_in_steps(tenant: Tenant, applied: Applied, order_id: int, customer: str, order_total: int) -> None:
    """The portable path (SQLite, whose BEGIN IMMEDIATE serialises writers): the steps of _CLAIM_SQL,
    each a conditional update, the voucher's counter last."""
    if applied.code_id is not None:
        taken = await tenant.scoped(VoucherCode).update({VoucherCode.order: order_id, VoucherCode.used_at: utcnow()}
                                                        ).where((VoucherCode.id == applied.code_id)
                                                                & VoucherCode.used_at.is_null()).returning(VoucherCode.id)
        if not taken:
            raise _refuse(applied.code, VoucherRefusal.EXHAUSTED)
    if customer:
        found = await tenant.scoped(Voucher).select(Voucher.per_customer_limit).where(
            Voucher.id == applied.voucher_id).first()
        limit = found["per_customer_limit"] if found else 0
        await VoucherCustomer.insert(VoucherCustomer(organization=tenant.organization_id, voucher=applied.voucher_id,
                                                     customer=customer, uses=0)).on_conflict(
            target=(VoucherCustomer.voucher, VoucherCustomer.customer), action="DO NOTHING")
        counted = await tenant.scoped(VoucherCustomer).update({VoucherCustomer.uses: VoucherCustomer.uses + 1}).where(
            (VoucherCustomer.voucher == applied.voucher_id) & (VoucherCustomer.customer == customer)
            & (WhereRaw("uses < {}", limit) if limit is not None else WhereRaw("1 = 1"))).returning(VoucherCustomer.id)
        if not counted:
            raise _refuse(applied.code, VoucherRefusal.CUSTOMER_LIMIT)
    claimed = await tenant.scoped(Voucher).update({Voucher.used: Voucher.used + 1}).where(
        (Voucher.id == applied.voucher_id)
        & WhereRaw("(total_limit IS NULL OR used < total_limit)")).returning(Voucher.id)
    if not claimed:
        raise _refuse(applied.code, VoucherRefusal.EXHAUSTED)
    await VoucherUse.insert(VoucherUse(organization=tenant.organization_id, voucher=applied.voucher_id,
                                       order=order_id, code=applied.code, customer=customer,
                                       discount=applied.discount, order_total=order_total))


async def release_order(tenant: Tenant, order_id: int) -> int:
    """A cancelled order gives its voucher uses back (once); returns how many were released."""
    uses = await tenant.scoped(VoucherUse).update({VoucherUse.released: True}).where(
        (VoucherUse.order == order_id) & (VoucherUse.released == False)).returning(  # noqa: E712
        VoucherUse.voucher, VoucherUse.customer)
    for use in uses:
        await tenant.scoped(Voucher).update({Voucher.used: Voucher.used - 1}).where(
            (Voucher.id == use["voucher"]) & (Voucher.used > 0))
        await tenant.scoped(VoucherCode).update({VoucherCode.order: None, VoucherCode.used_at: None}).where(
            (VoucherCode.voucher == use["voucher"]) & (VoucherCode.order == order_id))
        if use["customer"]:
            await tenant.scoped(VoucherCustomer).update({VoucherCustomer.uses: VoucherCustomer.uses - 1}).where(
                (VoucherCustomer.voucher == use["voucher"]) & (VoucherCustomer.customer == use["customer"])
                & (VoucherCustomer.uses > 0))
    return len(uses)


async def release_cancelled(limit: int = 500) -> int:
    """Give back the voucher uses of orders cancelled since (every organisation, a cron): however
    the order was cancelled — by the seller, by the expiry of an unpaid order, on a marketplace."""
    from app.core.database import transaction

    due = await VoucherUse.select(VoucherUse.organization, VoucherUse.order).where(
        (VoucherUse.released == False) & (VoucherUse.order.state == "cancelled")).limit(limit)  # noqa: E712
    released = 0
    for row in due:
        async with transaction():
            released += await release_order(Tenant(row["organization"]), row["order"])
    return released
