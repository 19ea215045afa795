"""The seller's side of vouchers: create and edit them, make a batch of single-use codes, read each
voucher's uses, revenue and discount given, and apply a voucher to a manual order."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from app.core.clock import zone
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _, deferred
from app.core.money import format_money
from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains import catalog, orders
from app.domains.audit import record
from app.domains.marketing import segments, vouchers
from app.domains.marketing.schemas import VoucherForm
from app.domains.marketing.tables import Voucher, VoucherCode, VoucherUse

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off paper and phones


@dataclass(frozen=True, slots=True)
class VoucherRow:
    id: int
    code: str
    name: str
    kind: str
    value: int
    max_discount: int
    min_spend: int
    starts_at: datetime | None
    ends_at: datetime | None
    total_limit: int | None
    per_customer_limit: int | None
    stackable: bool
    batch: bool
    used: int
    active: bool
    uses: int = 0
    revenue: int = 0
    discount: int = 0


@dataclass(frozen=True, slots=True)
class UseRow:
    order: int
    order_number: str
    code: str
    customer: str
    discount: int
    order_total: int
    released: bool
    created_at: datetime


def _utc(moment: datetime | None, tz_name: str) -> datetime | None:
    """A date-time typed in the organisation's zone, in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(tz_name))
    return moment.astimezone(UTC)


async def _code_taken(tenant: Tenant, code: str, voucher_id: int | None = None) -> bool:
    clash = tenant.scoped(Voucher).exists().where(Voucher.code == code)
    if voucher_id is not None:
        clash = clash.where(Voucher.id != voucher_id)
    return bool(await clash or await tenant.scoped(VoucherCode).exists().where(VoucherCode.code == code))


async def _values(tenant: Tenant, form: VoucherForm) -> dict[Any, Any]:
    if form.products and not await catalog.products_exist(tenant, form.products):
        raise ValidationFailed({"products": _("Choose products from the list.")})
    if form.segment is not None and form.segment not in {s.id for s in await segments.segments(tenant)}:
        raise ValidationFailed({"segment": _("Choose one of your segments.")})
    return {Voucher.code: form.code, Voucher.name: form.name, Voucher.kind: form.kind, Voucher.value: form.value,
            Voucher.max_discount: form.max_discount, Voucher.min_spend: form.min_spend,
            Voucher.product_ids: form.products, Voucher.categories: form.category_list(),
            Voucher.starts_at: _utc(form.starts_at, tenant.timezone), Voucher.ends_at: _utc(form.ends_at, tenant.timezone),
            Voucher.total_limit: form.total_limit, Voucher.per_customer_limit: form.per_customer_limit,
            Voucher.segment: form.segment,
            Voucher.stackable: form.stackable, Voucher.active: form.active}


async def create_voucher(tenant: Tenant, form: VoucherForm) -> int:
    """A new voucher (with form.batch_count single-use codes when asked); ValidationFailed when the code is taken."""
    if await _code_taken(tenant, form.code):
        raise ValidationFailed({"code": _("Another voucher already uses this code.")})
    values = {column._meta.name: value for column, value in (await _values(tenant, form)).items()}
    async with transaction():
        row = tenant.scoped(Voucher).new(**values, batch=bool(form.batch_count))
        await row.save()
        if form.batch_count:
            await _make_codes(tenant, row.id, form.code, form.batch_count)
    await record(tenant.organization_id, tenant.actor, "voucher.created", "voucher", row.id,
                 after={"code": form.code, "kind": form.kind.value, "value": form.value})
    return row.id


async def update_voucher(tenant: Tenant, voucher_id: int, form: VoucherForm) -> None:
    """Change a voucher's rules (its uses stay); ValidationFailed when the new code is taken."""
    voucher = await tenant.scoped(Voucher).get(voucher_id, _("Voucher not found."))
    if await _code_taken(tenant, form.code, voucher.id):
        raise ValidationFailed({"code": _("Another voucher already uses this code.")})
    await tenant.scoped(Voucher).update(await _values(tenant, form)).where(Voucher.id == voucher.id)
    await record(tenant.organization_id, tenant.actor, "voucher.updated", "voucher", voucher.id,
                 before={"code": voucher.code, "value": voucher.value}, after={"code": form.code, "value": form.value})


async def _make_codes(tenant: Tenant, voucher_id: int, prefix: str, count: int) -> None:
    made: set[str] = set()
    while len(made) < count:
        wanted = {f"{prefix[:28]}-{''.join(secrets.choice(_ALPHABET) for _i in range(8))}" for _n in range(count - len(made))}
        taken = {r["code"] for r in await tenant.scoped(VoucherCode).select(VoucherCode.code).where(
            VoucherCode.code.is_in(sorted(wanted)))}
        made |= wanted - taken
    await VoucherCode.insert(*[VoucherCode(organization=tenant.organization_id, voucher=voucher_id, code=code)
                               for code in sorted(made)])


async def require_voucher(tenant: Tenant, voucher_id: int) -> None:
    """NotFound unless this organisation has this voucher."""
    await tenant.scoped(Voucher).get(voucher_id, _("Voucher not found."))


async def generate_codes(tenant: Tenant, voucher_id: int, count: int) -> None:
    """Add `count` single-use codes to a batch voucher (a voucher with its own code becomes a batch)."""
    voucher = await tenant.scoped(Voucher).get(voucher_id, _("Voucher not found."))
    async with transaction():
        await tenant.scoped(Voucher).update({Voucher.batch: True}).where(Voucher.id == voucher.id)
        await _make_codes(tenant, voucher.id, voucher.code, count)


async def list_vouchers(tenant: Tenant) -> list[VoucherRow]:
    """Every voucher, newest first, with its uses (not given back), revenue and discount given."""
    rows = await tenant.scoped(Voucher).select().order_by(Voucher.id, ascending=False).limit(500)
    stats = {r["voucher"]: r for r in await tenant.scoped(VoucherUse).select(
        VoucherUse.voucher, Count(VoucherUse.id, alias="uses"), Sum(VoucherUse.order_total, alias="revenue"),
        Sum(VoucherUse.discount, alias="discount")).where(VoucherUse.released == False).group_by(  # noqa: E712
        VoucherUse.voucher)}
    return [VoucherRow(**{k: r[k] for k in VoucherRow.__dataclass_fields__ if k in r and k not in
                          ("uses", "revenue", "discount")},
                       uses=stats.get(r["id"], {}).get("uses", 0), revenue=int(stats.get(r["id"], {}).get("revenue") or 0),
                       discount=int(stats.get(r["id"], {}).get("discount") or 0)) for r in rows]


async def voucher_detail(tenant: Tenant, voucher_id: int) -> tuple[VoucherRow, dict[str, Any], list[UseRow], list[dict]]:
    """(the voucher with its totals, its form values, its last uses, its single-use codes)."""
    voucher = await tenant.scoped(Voucher).get(voucher_id, _("Voucher not found."))
    row = next(v for v in await list_vouchers(tenant) if v.id == voucher.id)
    stored = await tenant.scoped(Voucher).select().where(Voucher.id == voucher.id).output(load_json=True).first()
    uses = await tenant.scoped(VoucherUse).select(
        VoucherUse.order, VoucherUse.order.platform_order_id.as_alias("order_number"), VoucherUse.code,
        VoucherUse.customer, VoucherUse.discount, VoucherUse.order_total, VoucherUse.released, VoucherUse.created_at,
    ).where(VoucherUse.voucher == voucher.id).order_by(VoucherUse.id, ascending=False).limit(200)
    codes = await tenant.scoped(VoucherCode).select(VoucherCode.code, VoucherCode.used_at).where(
        VoucherCode.voucher == voucher.id).order_by(VoucherCode.code).limit(5000)
    return row, form_values(stored, tenant.timezone), from_rows(UseRow, uses), codes


def form_values(voucher: dict[str, Any], tz_name: str) -> dict[str, Any]:
    """A voucher as its form shows it (times in the organisation's zone)."""
    def local(moment: datetime | None) -> str:
        return moment.astimezone(zone(tz_name)).strftime("%Y-%m-%dT%H:%M") if moment else ""

    return {"code": voucher["code"], "name": voucher["name"], "kind": voucher["kind"], "value": voucher["value"],
            "max_discount": voucher["max_discount"] or "", "min_spend": voucher["min_spend"] or "",
            "products": [int(p) for p in voucher["product_ids"] or []],
            "categories": ", ".join(voucher["categories"] or []), "starts_at": local(voucher["starts_at"]),
            "ends_at": local(voucher["ends_at"]), "total_limit": voucher["total_limit"] or "",
            "per_customer_limit": voucher["per_customer_limit"] or "", "segment": voucher["segment"] or "",
            "stackable": voucher["stackable"],
            "active": voucher["active"]}


async def apply_to_manual_order(tenant: Tenant, order_number: str, code: str) -> int:
    """A voucher on a manual order (by its number), by the same rules as at checkout; returns the discount."""
    order_id = await orders.order_id_by_number(tenant, order_number)
    if order_id is None:
        raise NotFound(_("No order has the number %(number)s.", number=order_number[:64]))
    order = await orders.get_order(tenant, order_id)
    if order.channel != "manual" or order.state == "cancelled":
        raise Conflict(_("A voucher can be added only to a manual order that is not cancelled."))
    if await tenant.scoped(VoucherUse).exists().where((VoucherUse.order == order.id) & (VoucherUse.released == False)):  # noqa: E712
        raise Conflict(_("This order already has a voucher."))
    lines = [vouchers.PricedLine(ln.variant, ln.quantity, ln.unit_price) for ln in order.lines if ln.variant]
    customer = vouchers.customer_key(order.customer_phone, order.customer_email)
    offer = await vouchers.quote(tenant, code, lines, order.shipping_fee, customer=customer,
                                 contacts=[order.customer_phone, order.customer_email])
    discount = min(offer.discount, order.total)
    async with transaction():
        await vouchers.redeem(tenant, offer, order_id=order.id, customer=customer, order_total=order.total - discount)
        if not await orders.add_seller_discount(tenant, order.id, discount, deferred(
                "Voucher %(code)s: %(amount)s off.", code=", ".join(offer.codes), amount=format_money(discount))):
            raise Conflict(_("The order changed meanwhile; reload and try again."))
    return discount
