"""An invoice as a one-page PDF (reportlab): who, which plan and period, how much, paid or not."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from app.core.money import format_money
from app.domains.billing.statuses import InvoiceStatus


def render_pdf(invoice: dict[str, Any], organization: str) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"Invoice {invoice['number']}")
    pdf.setAuthor("StoreSync")
    width, height = A4
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(20 * mm, y, "StoreSync")
    pdf.setFont("Helvetica", 11)
    pdf.drawRightString(width - 20 * mm, y, f"Invoice {invoice['number']}")
    y -= 14 * mm
    rows = [
        ("Billed to", organization),
        ("Plan", f"{invoice['plan_name']} ({invoice['kind']})"),
        ("Period", f"{invoice['period_start']:%d %b %Y} - {invoice['period_end']:%d %b %Y} (UTC)"),
        ("Issued", f"{invoice['created_at']:%d %b %Y}"),
        ("Due", f"{invoice['due_at']:%d %b %Y}"),
        ("Status", InvoiceStatus(invoice["status"]).label()),
    ]
    if invoice.get("paid_at"):
        rows.append(("Paid", f"{invoice['paid_at']:%d %b %Y %H:%M} UTC"))
    for label, value in rows:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(20 * mm, y, label)
        pdf.setFont("Helvetica", 10)
        pdf.drawString(55 * mm, y, str(value)[:90])
        y -= 7 * mm
    y -= 6 * mm
    pdf.line(20 * mm, y, width - 20 * mm, y)
    y -= 9 * mm
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(20 * mm, y, "Total")
    pdf.drawRightString(width - 20 * mm, y, format_money(invoice["amount"], "IDR"))
    pdf.showPage()
    pdf.save()
    return out.getvalue()
