"""Bulk edit of variants' weight and packed dimensions (the same rules as the product page)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import ValidationFailed
from app.core.forms import Form
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog.tables import Variant

PAGE_SIZE = 200
FIELDS = (("weight", "weight_grams"), ("length", "length_cm"), ("width", "width_cm"), ("height", "height_cm"))


class ParcelSizeForm(Form):
    """One row; empty means 0 (unknown), as on the product page (VariantForm's limits)."""

    labels = {"weight_grams": "Weight", "length_cm": "Length", "width_cm": "Width", "height_cm": "Height"}
    weight_grams: int = Field(default=0, ge=0, le=1_000_000)
    length_cm: int = Field(default=0, ge=0, le=1000)
    width_cm: int = Field(default=0, ge=0, le=1000)
    height_cm: int = Field(default=0, ge=0, le=1000)

    @field_validator("weight_grams", "length_cm", "width_cm", "height_cm", mode="before")
    @classmethod
    def empty_is_unknown(cls, value: Any) -> Any:
        return 0 if value is None or (isinstance(value, str) and not value.strip()) else value


async def list_rows(tenant: Tenant, q: str = "", *, missing: bool = False, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """One page of active variants by SKU (`missing`: only those with a size still unknown) and
    whether a next page exists."""
    query = tenant.scoped(Variant).select(
        Variant.id, Variant.sku, Variant.name, Variant.product.name.as_alias("product_name"), Variant.weight_grams,
        Variant.length_cm, Variant.width_cm, Variant.height_cm).where(
        Variant.archived == False, Variant.product.status == "active")  # noqa: E712
    if q.strip():
        query = query.where(Variant.search_text.like(f"%{q.strip().lower()}%"))
    if missing:
        query = query.where((Variant.weight_grams == 0) | (Variant.length_cm == 0) | (Variant.width_cm == 0)
                            | (Variant.height_cm == 0))
    rows = await query.order_by(Variant.sku).order_by(Variant.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def page_number(value: str | None) -> int:
    """The `page` query value as a page number (1 for empty or junk, capped so an offset stays sane)."""
    return min(int(value), 10_000) if value and value.isdigit() and int(value) > 0 else 1


def parse_rows(data: dict[str, str]) -> tuple[dict[int, ParcelSizeForm], dict[str, str]]:
    """Forms keyed by variant id from `weight_<id>`, `length_<id>`, ...; errors keyed like the inputs."""
    ids = sorted({int(k.split("_", 1)[1]) for k in data
                  if k.split("_", 1)[0] in dict(FIELDS) and k.split("_", 1)[-1].isdigit()})
    forms: dict[int, ParcelSizeForm] = {}
    errors: dict[str, str] = {}
    for vid in ids:
        try:
            forms[vid] = ParcelSizeForm.parse({col: data.get(f"{key}_{vid}", "") for key, col in FIELDS})
        except ValidationFailed as exc:
            names = dict((col, key) for key, col in FIELDS)
            errors.update({f"{names.get(f, 'weight')}_{vid}": m for f, m in exc.errors.items()})
    return forms, errors


async def save(tenant: Tenant, forms: dict[int, ParcelSizeForm]) -> int:
    """Save every row in one transaction; ids outside this organisation are ignored. Returns changed count."""
    changed: list[str] = []
    async with transaction():
        current = await tenant.scoped(Variant).select(
            Variant.id, Variant.sku, Variant.weight_grams, Variant.length_cm, Variant.width_cm,
            Variant.height_cm).where(Variant.id.is_in(list(forms) or [0]))
        for row in current:
            values = forms[row["id"]].model_dump()
            if any(row[c] != values[c] for c in values):
                changed.append(row["sku"])
                await tenant.scoped(Variant).update({**values, "updated_at": utcnow()}).where(Variant.id == row["id"])
        if changed:
            await record(tenant.organization_id, tenant.actor, "variant.parcel_sizes", "variant", None,
                         after={"changed": len(changed), "skus": changed[:50]})
    return len(changed)
