"""Suppliers and the SKUs they supply, at their price."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from app.core.database import transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.records import from_row, from_rows
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog import variant_by_code
from app.domains.purchasing.schemas import SupplierForm, SupplierItemForm
from app.domains.purchasing.tables import Supplier, SupplierItem


@dataclass(frozen=True, slots=True)
class SupplierRow:
    id: int
    name: str
    contact_name: str
    phone: str
    email: str
    lead_time_days: int
    payment_terms: str
    note: str
    active: bool


@dataclass(frozen=True, slots=True)
class SupplierItemRow:
    id: int
    variant: int
    sku: str
    name: str
    price: int
    supplier_sku: str


def normalize_phone(raw: str) -> str:
    """'0812-3456 789', '+62 812 3456 789' and '62812…' are the same number: '+628123456789'."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return "+" + digits if digits else ""


def whatsapp_link(phone: str, message: str) -> str:
    """A wa.me link that opens WhatsApp at this number with the message typed in ('' without a number)."""
    digits = re.sub(r"\D", "", phone or "")
    return f"https://wa.me/{digits}?text={quote(message)}" if digits else ""


def _values(form: SupplierForm) -> dict:
    return {"name": form.name, "contact_name": form.contact_name, "phone": normalize_phone(form.phone),
            "email": form.email, "lead_time_days": form.lead_time_days, "payment_terms": form.payment_terms,
            "note": form.note}


async def create_supplier(tenant: Tenant, form: SupplierForm) -> int:
    """Add a supplier; returns its id."""
    async with transaction():
        row = tenant.scoped(Supplier).new(**_values(form))
        await row.save()
        await record(tenant.organization_id, tenant.actor, "supplier.created", "supplier", row.id,
                     after=_values(form))
    return row.id


async def update_supplier(tenant: Tenant, supplier_id: int, form: SupplierForm) -> None:
    """Change a supplier's details (audited)."""
    before = await get_supplier(tenant, supplier_id)
    async with transaction():
        await tenant.scoped(Supplier).update(_values(form)).where(Supplier.id == supplier_id)
        await record(tenant.organization_id, tenant.actor, "supplier.updated", "supplier", supplier_id,
                     before={k: getattr(before, k) for k in _values(form)}, after=_values(form))


async def get_supplier(tenant: Tenant, supplier_id: int) -> SupplierRow:
    row = await tenant.scoped(Supplier).select().where(Supplier.id == supplier_id).first()
    if row is None:
        raise NotFound(_("Supplier not found."))
    return from_row(SupplierRow, row)


async def list_suppliers(tenant: Tenant) -> list[SupplierRow]:
    return from_rows(SupplierRow, await tenant.scoped(Supplier).select().order_by(Supplier.name))


async def items_of(tenant: Tenant, supplier_id: int) -> list[SupplierItemRow]:
    """The SKUs a supplier supplies, by SKU."""
    rows = await tenant.scoped(SupplierItem).select(
        SupplierItem.id, SupplierItem.variant, SupplierItem.variant.sku.as_alias("sku"),
        SupplierItem.variant._.product.name.as_alias("name"), SupplierItem.price, SupplierItem.supplier_sku,
    ).where(SupplierItem.supplier == supplier_id).order_by(SupplierItem.variant.sku)
    return from_rows(SupplierItemRow, rows)


async def set_item(tenant: Tenant, supplier_id: int, form: SupplierItemForm) -> SupplierItemRow:
    """Say the supplier supplies this SKU at this price (again: the price changes)."""
    await get_supplier(tenant, supplier_id)
    variant = await variant_by_code(tenant, form.code)
    if variant is None:
        raise ValidationFailed({"code": _("No variant has the SKU or barcode %(code)s.", code=form.code)})
    if variant["is_bundle"]:
        raise ValidationFailed({"code": _("%(sku)s is a bundle: order its components instead.", sku=variant["sku"])})
    async with transaction():
        existing = await tenant.scoped(SupplierItem).select(SupplierItem.id).where(
            (SupplierItem.supplier == supplier_id) & (SupplierItem.variant == variant["id"])).first()
        if existing:
            await tenant.scoped(SupplierItem).update({SupplierItem.price: form.price,
                                                      SupplierItem.supplier_sku: form.supplier_sku}).where(
                SupplierItem.id == existing["id"])
        else:
            await tenant.scoped(SupplierItem).new(supplier=supplier_id, variant=variant["id"], price=form.price,
                                                  supplier_sku=form.supplier_sku).save()
    return next(i for i in await items_of(tenant, supplier_id) if i.variant == variant["id"])


async def remove_item(tenant: Tenant, supplier_id: int, item_id: int) -> None:
    where = (SupplierItem.id == item_id) & (SupplierItem.supplier == supplier_id)
    if not await tenant.scoped(SupplierItem).exists().where(where):
        raise NotFound(_("Not found."))
    await tenant.scoped(SupplierItem).delete().where(where)


async def supplier_prices(tenant: Tenant, supplier_id: int, variant_ids: list[int]) -> dict[int, int]:
    """{variant id: the supplier's price} for the variants among these that the supplier carries."""
    if not variant_ids:
        return {}
    rows = await tenant.scoped(SupplierItem).select(SupplierItem.variant, SupplierItem.price).where(
        (SupplierItem.supplier == supplier_id) & SupplierItem.variant.is_in(variant_ids))
    return {r["variant"]: r["price"] for r in rows}
