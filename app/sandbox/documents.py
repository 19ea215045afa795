"""The marketplaces' official shipping labels as the sandbox hands them out: real PDFs, one
100x150 mm page per parcel with the platform's name, the tracking number (also as a Code 128
barcode), the courier, the order and the recipient — enough for a test to read them back.

Drawn with reportlab (its own Code 128, as a platform's label generator would be: StoreSync's own
labels use python-barcode). Nothing here is StoreSync's code path: it stands in for Shopee's and
TikTok's document services.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.sandbox.state import Order

PAGE = (100 * mm, 150 * mm)
PLATFORM_TITLE = {"shopee": "Shopee Xpress (sandbox)", "tiktok": "TikTok Shop (sandbox)", "lazada": "Lazada (sandbox)"}


def label_pdf(platform: str, orders: Sequence[Order]) -> bytes:
    """One label page per order, in the order given."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(f"{PLATFORM_TITLE.get(platform, platform)} shipping labels")
    width, height = PAGE
    for order in orders:
        canvas.setFont("Helvetica-Bold", 12)
        canvas.drawString(6 * mm, height - 12 * mm, PLATFORM_TITLE.get(platform, platform))
        canvas.setFont("Helvetica", 9)
        canvas.drawString(6 * mm, height - 18 * mm, f"Courier: {order.carrier}")
        tracking = order.tracking_number or "-"
        if order.tracking_number:
            barcode = Code128(tracking, barHeight=18 * mm, barWidth=0.33 * mm, quiet=False)
            barcode.drawOn(canvas, max(2 * mm, (width - barcode.width) / 2), height - 42 * mm)
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawCentredString(width / 2, height - 49 * mm, tracking)
        canvas.setFont("Helvetica", 9)
        canvas.drawString(6 * mm, height - 58 * mm, f"Order: {order.order_id}")
        canvas.drawString(6 * mm, height - 63 * mm, f"Package: {order.package_id}")
        recipient = order.recipient or {}
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(6 * mm, height - 74 * mm, "To: " + str(recipient.get("name") or ""))
        canvas.setFont("Helvetica", 9)
        y = height - 80 * mm
        for key in ("phone", "full_address", "city", "state", "zipcode", "postal_code"):
            value = recipient.get(key)
            if value:
                canvas.drawString(6 * mm, y, str(value)[:60])
                y -= 5 * mm
        items = sum(line.quantity for line in order.lines)
        canvas.drawString(6 * mm, 10 * mm, f"{items} item(s)")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
