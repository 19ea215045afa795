"""Segments: saved filters over the organisation's customers (channel, city, spend, order count,
last order, a product bought, a loyalty tier, an RFM group), counted live while the seller edits
them; a campaign's audience or a voucher's restriction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import catalog, orders
from app.domains.audit import record
from app.domains.marketing import loyalty
from app.domains.marketing.schemas import SegmentForm
from app.domains.marketing.tables import Segment


@dataclass(frozen=True, slots=True)
class SegmentRow:
    id: int
    name: str
    filters: dict[str, Any]


async def customer_filter(tenant: Tenant, form: SegmentForm) -> Any:
    """The orders domain's CustomerFilter for a segment's form (a tier becomes its yearly spend range)."""
    min_year = max_year = None
    if form.tier:
        tiers = list((await loyalty.programme(tenant)).tiers)
        names = [t.name for t in tiers]
        if form.tier not in names:
            raise ValidationFailed({"tier": _("Choose one of the loyalty programme's tiers.")})
        index = names.index(form.tier)
        min_year = tiers[index].min_spend
        max_year = tiers[index + 1].min_spend if index + 1 < len(tiers) else None
    if form.product is not None and not await catalog.products_exist(tenant, [form.product]):
        raise ValidationFailed({"product": _("Choose products from the list.")})
    return orders.CustomerFilter(
        channel=form.channel.value if form.channel else "", city=form.city, min_spend=form.min_spend,
        max_spend=form.max_spend, min_orders=form.min_orders, max_orders=form.max_orders,
        ordered_within_days=form.ordered_within_days, not_ordered_for_days=form.not_ordered_for_days,
        product_id=form.product, min_year_spend=min_year, max_year_spend=max_year,
        rfm=form.rfm.value if form.rfm else "")


async def count(tenant: Tenant, form: SegmentForm) -> int:
    """How many customers the (unsaved) form chooses now."""
    return await orders.count_customers(tenant, await customer_filter(tenant, form))


async def save_segment(tenant: Tenant, form: SegmentForm, segment_id: int | None = None) -> int:
    """Create (or change) a segment from its form."""
    await customer_filter(tenant, form)  # refuses an unknown tier or product before saving
    values = form.model_dump(mode="json", exclude={"name"})
    if segment_id is None:
        row = tenant.scoped(Segment).new(name=form.name, filters=values)
        await row.save()
        segment_id = row.id
    else:
        segment = await tenant.scoped(Segment).get(segment_id, _("Segment not found."))
        await tenant.scoped(Segment).update({Segment.name: form.name, Segment.filters: values}).where(
            Segment.id == segment.id)
    await record(tenant.organization_id, tenant.actor, "segment.saved", "segment", segment_id, after={"name": form.name})
    return segment_id


async def segments(tenant: Tenant) -> list[SegmentRow]:
    rows = await tenant.scoped(Segment).select(Segment.id, Segment.name, Segment.filters).order_by(
        Segment.name).output(load_json=True)
    return [SegmentRow(r["id"], r["name"], r["filters"] or {}) for r in rows]


async def segment(tenant: Tenant, segment_id: int) -> SegmentRow:
    row = await tenant.scoped(Segment).select(Segment.id, Segment.name, Segment.filters).where(
        Segment.id == int(segment_id)).output(load_json=True).first()
    if row is None:
        from app.core.errors import NotFound

        raise NotFound(_("Segment not found."))
    return SegmentRow(row["id"], row["name"], row["filters"] or {})


async def members(tenant: Tenant, segment_id: int) -> list[str]:
    """The customers (phone, else e-mail) a saved segment chooses now."""
    saved = await segment(tenant, segment_id)
    form = SegmentForm.parse({"name": saved.name, **{k: "" if v is None else str(v) for k, v in saved.filters.items()}})
    return await orders.chosen_customers(tenant, await customer_filter(tenant, form))


async def contains(tenant: Tenant, segment_id: int, keys: list[str]) -> bool:
    """Whether a saved segment chooses any of these customer keys now (a checkout's phone and e-mail);
    False when the segment is gone."""
    row = await tenant.scoped(Segment).select(Segment.name, Segment.filters).where(
        Segment.id == int(segment_id)).output(load_json=True).first()
    if row is None:
        return False
    filters = row["filters"] or {}
    form = SegmentForm.parse({"name": row["name"], **{k: "" if v is None else str(v) for k, v in filters.items()}})
    return await orders.chooses_any(tenant, await customer_filter(tenant, form), keys)


async def segment_count(tenant: Tenant, segment_id: int) -> int:
    saved = await segment(tenant, segment_id)
    form = SegmentForm.parse({"name": saved.name, **{k: "" if v is None else str(v) for k, v in saved.filters.items()}})
    return await count(tenant, form)
