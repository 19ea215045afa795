"""What goes to a supplier: the purchase order as a PDF (reportlab) and as a WhatsApp message."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.core.clock import format_local
from app.core.i18n import _, current_locale
from app.core.money import format_money
from app.domains.purchasing.orders import LineRow, OrderRow
from app.domains.purchasing.suppliers import SupplierRow, whatsapp_link


def order_total(order: OrderRow, lines: list[LineRow]) -> int:
    return sum(line.value for line in lines) + order.freight + order.other_costs


def order_pdf(order: OrderRow, supplier: SupplierRow, lines: list[LineRow], *, organisation: str,
              timezone: str) -> bytes:
    """A printable A4 purchase order: who orders what from whom, at what price, in rupiah."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    # gettext outside the f-strings: pybabel does not look inside an f-string, so a call there never
    # reached the catalog and the Indonesian PDF said "Purchase order"
    title = _("Purchase order %(number)s", number=order.number)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=title, author=organisation)
    day = format_local(order.ordered_at or order.created_at, timezone, current_locale.get())
    story: list[Flowable] = [
        Paragraph(_esc(title), styles["Title"]),
        Paragraph(f"<b>{_('From')}:</b> {_esc(organisation)}", styles["Normal"]),
        Paragraph(f"<b>{_('To')}:</b> {_esc(supplier.name)}"
                  + (f" · {_esc(supplier.contact_name)}" if supplier.contact_name else "")
                  + (f" · {_esc(supplier.phone)}" if supplier.phone else ""), styles["Normal"]),
        Paragraph(f"<b>{_('Date')}:</b> {day}", styles["Normal"]),
    ]
    if supplier.payment_terms:
        story.append(Paragraph(f"<b>{_('Payment terms')}:</b> {_esc(supplier.payment_terms)}", styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    rows: list[list[Any]] = [["SKU", _("Item"), _("Qty"), _("Unit price"), _("Total")]]
    for line in lines:
        rows.append([line.sku, Paragraph(_esc(line.title), styles["Normal"]), str(line.quantity),
                     format_money(line.unit_price), format_money(line.value)])
    if order.freight:
        rows.append(["", _("Freight"), "", "", format_money(order.freight)])
    if order.other_costs:
        rows.append(["", _("Other costs"), "", "", format_money(order.other_costs)])
    rows.append(["", _("Total"), "", "", format_money(order_total(order, lines))])
    table = Table(rows, colWidths=[32 * mm, 62 * mm, 16 * mm, 32 * mm, 32 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    if order.note:
        story += [Spacer(1, 6 * mm), Paragraph(_esc(order.note), styles["Normal"])]
    doc.build(story)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def whatsapp_message(order: OrderRow, supplier: SupplierRow, lines: list[LineRow], organisation: str) -> str:
    """The order as a chat message in the reader's language (the seller's), prefilled in WhatsApp."""
    head = _("Hello %(name)s, %(shop)s would like to order (%(number)s):",
             name=supplier.contact_name or supplier.name, shop=organisation, number=order.number)
    items = [f"- {line.sku} {line.title} × {line.quantity} @ {format_money(line.unit_price)}".replace("  ", " ")
             for line in lines]
    # the costs and the total as on the PDF, so the supplier reads one amount in both
    if order.freight:
        items.append(_("Freight: %(amount)s", amount=format_money(order.freight)))
    if order.other_costs:
        items.append(_("Other costs: %(amount)s", amount=format_money(order.other_costs)))
    total = _("Total: %(amount)s", amount=format_money(order_total(order, lines)))
    return "\n".join([head, *items, total, _("Thank you.")])


def whatsapp_order_link(order: OrderRow, supplier: SupplierRow, lines: list[LineRow], organisation: str) -> str:
    return whatsapp_link(supplier.phone, whatsapp_message(order, supplier, lines, organisation))
