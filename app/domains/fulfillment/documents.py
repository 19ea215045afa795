"""Printable documents as PDF: the shipping label of an order (the marketplace's official one for a
Shopee or TikTok order, StoreSync's own for a website or manual order), packing slips, the courier
manifest, and the paper size the organisation prints its own labels on."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.clock import format_local, utcnow
from app.core.errors import AppError, Conflict, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.money import format_money
from app.core.tenancy import Tenant
from app.domains import accounts, orders
from app.domains.fulfillment import marketplace_labels, pdf_documents, shipping
from app.domains.fulfillment.bulk import LabelOrder, label_orders
from app.domains.fulfillment.pdf_documents import LabelData, ManifestData, ManifestRow, SlipData, SlipLine
from app.domains.fulfillment.sender_port import PickupAddress, pickup_addresses
from app.domains.fulfillment.statuses import LabelSize
from app.domains.fulfillment.tables import LabelSettings
from app.domains.orders import get_order

SINGLE_LABEL_WAIT = 20.0  # seconds a person waits for one label being generated (a job waits longer)


class LabelRefused(AppError):
    """The marketplace would not give the order's label (its reason is the message)."""

    status_code = 409


# -- the paper -------------------------------------------------------------------------------------


async def label_size_of(tenant: Tenant) -> LabelSize:
    """The paper the organisation printed its own labels on last (thermal until it chooses)."""
    row = await tenant.scoped(LabelSettings).select(LabelSettings.label_size).first()
    try:
        return LabelSize(row["label_size"]) if row else LabelSize.THERMAL
    except ValueError:
        return LabelSize.THERMAL


def parse_label_size(value: object) -> LabelSize:
    """A label size from a form or link; ValidationFailed, in words, for anything else."""
    try:
        return LabelSize(str(value or ""))
    except ValueError:
        raise ValidationFailed({"size": _("Choose the label paper: thermal 100 × 150 mm or an A4 sheet.")}) from None


async def remember_label_size(tenant: Tenant, size: LabelSize) -> None:
    """Offer `size` first next time (one row per organisation)."""
    updated = await tenant.scoped(LabelSettings).update(
        {LabelSettings.label_size: size, LabelSettings.updated_at: utcnow()}).returning(LabelSettings.id)
    if not updated:
        await tenant.scoped(LabelSettings).new(label_size=size).save()


# -- labels ----------------------------------------------------------------------------------------


def _source(order: Any) -> str:
    return order.store_name or (_("Website") if order.channel == "website" else _("Manual order"))


def own_label(order: LabelOrder, organization: str, pickup: PickupAddress | None = None) -> LabelData:
    address = order.address or {}
    sender = pickup.lines() if pickup is not None else ""
    return LabelData(
        order_number=order.platform_order_id,
        tracking_number=order.tracking_number,
        carrier=(order.shipment.carrier if order.shipment else "") or order.shipping_carrier,
        cod=format_money(order.total, order.currency) if order.cash_on_delivery else "",
        recipient_name=order.customer_name,
        recipient_phone=order.customer_phone,
        recipient_address=str(address.get("full_address") or ", ".join(
            str(address[k]) for k in ("city", "region") if address.get(k))),
        recipient_postal=orders.postal_code_of(address),
        sender_name=organization,
        sender_detail=sender or order.location_code or "",
        source=_source(order),
        units=sum(line.quantity for line in order.lines),
    )


async def own_labels_pdf(tenant: Tenant, orders: list[LabelOrder], size: LabelSize) -> bytes:
    organization = await accounts.organization_name(tenant.organization_id)
    pickups = await pickup_addresses(tenant)
    labels = [own_label(order, organization, pickups.get(order.location_code or "")) for order in orders]
    return await asyncio.to_thread(pdf_documents.labels_pdf, labels, size)


@dataclass(frozen=True, slots=True)
class Document:
    """A PDF to send, with the file name it is offered under."""

    pdf: bytes
    filename: str


async def order_label(tenant: Tenant, order_id: int, size: LabelSize | None = None) -> Document:
    """The order's shipping label: the marketplace's official document for a marketplace order
    (LabelRefused with the platform's reason, e.g. shipment not arranged yet), StoreSync's own for a
    website or manual order on `size` (the organisation's choice by default). NotFound for
    another organisation's order, Conflict for a cancelled one."""
    found = await label_orders(tenant, [order_id])
    if not found:
        if await orders.warehouse_order(tenant, order_id) is not None:
            raise Conflict(_("A cancelled order has no shipping label."))
        raise NotFound(_("Order not found."))
    order = found[0]
    filename = f"label-{_safe(order.platform_order_id)}.pdf"
    if order.store_name is None:
        return Document(await own_labels_pdf(tenant, found, size or await label_size_of(tenant)), filename)
    placed = await orders.warehouse_order(tenant, order.id)
    assert placed is not None and placed.store is not None  # a marketplace order has its store
    fetched = await marketplace_labels.fetch_official(
        tenant, [marketplace_labels.MarketplaceOrder(order.id, order.platform_order_id, placed.store)],
        max_wait=SINGLE_LABEL_WAIT)
    if order.id in fetched.failures or not fetched.blocks:
        raise LabelRefused(_("The marketplace did not give the label: %(why)s",
                             why=fetched.failures.get(order.id, _("no document"))))
    return Document(fetched.blocks[0][1], filename)


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:60] or "order"


# -- packing slips -----------------------------------------------------------------------------------


async def packing_slips(tenant: Tenant, order_ids: list[int]) -> Document:
    """One packing slip per order (A4); NotFound when none of the ids is this organisation's."""
    organization = await accounts.organization_name(tenant.organization_id)
    slips = []
    for order_id in order_ids:
        try:
            order = await get_order(tenant, order_id)
        except NotFound:
            continue
        address = order.address or {}
        slips.append(SlipData(
            organization=organization, order_number=order.platform_order_id, source=_source(order),
            placed=format_local(order.placed_at, tenant.timezone), recipient_name=order.customer_name,
            recipient_phone=order.customer_phone, recipient_address=str(address.get("full_address") or ""),
            lines=[SlipLine(line.variant_sku or line.seller_sku, line.product_name or line.title, line.quantity)
                   for line in order.lines]))
    if not slips:
        raise NotFound(_("Order not found."))
    name = f"packing-slip-{_safe(slips[0].order_number)}.pdf" if len(slips) == 1 else "packing-slips.pdf"
    return Document(await asyncio.to_thread(pdf_documents.packing_slips_pdf, slips), name)


# -- the courier manifest ------------------------------------------------------------------------------


async def courier_manifest(tenant: Tenant, day: date | None = None, carrier: str = "") -> Document:
    """The manifest of each courier (or only `carrier`) for the parcels shipped on `day` (today in
    the organisation's zone by default); NotFound when no parcel left that day with `carrier`."""
    shown, by_carrier = await shipping.manifest(tenant, day)
    organization = await accounts.organization_name(tenant.organization_id)
    manifests = [
        ManifestData(organization=organization, carrier=name, day=shown, rows=[
            ManifestRow(tracking_number=row["tracking_number"], order_number=row["number"],
                        recipient=row["customer_name"] or "",
                        source=row["store_name"] or _("Website / manual"), cod=bool(row["cod"]))
            for row in rows])
        for name, rows in by_carrier.items() if not carrier or name == carrier]
    if not manifests and not carrier:  # nothing left today: a manifest that says so
        manifests = [ManifestData(organization=organization, carrier=_("any courier"), day=shown, rows=[])]
    if not manifests:
        raise NotFound(_("No parcel was shipped with %(carrier)s on %(day)s.", carrier=carrier or _("any courier"),
                         day=shown.isoformat()))
    suffix = f"-{_safe(carrier)}" if carrier else ""
    return Document(await asyncio.to_thread(pdf_documents.manifests_pdf, manifests),
                    f"manifest-{shown.isoformat()}{suffix}.pdf")
