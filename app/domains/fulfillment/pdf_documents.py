"""StoreSync's own shipping documents as PDF: labels of website and manual orders (100 x 150 mm
thermal, or four to an A4 sheet), packing slips and the courier handover manifest.

Each renderer takes plain records (built by app.domains.fulfillment.documents from the database)
and returns the bytes of one PDF; text is real text, so a test (or a search) can read it back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.core.i18n import _
from app.domains.fulfillment.pdf_drawing import (
    A4_SIZE,
    THERMAL,
    draw_code128,
    draw_lines,
    new_canvas,
    printable,
)
from app.domains.fulfillment.statuses import LabelSize


@dataclass(frozen=True, slots=True)
class LabelData:
    """What one shipping label shows."""

    order_number: str
    tracking_number: str
    carrier: str
    cod: str  # the amount to collect, formatted ("" when not cash on delivery)
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    sender_name: str
    sender_detail: str  # the warehouse the parcel leaves from
    source: str  # the store, "Website" or "Manual order"
    units: int
    recipient_postal: str = ""  # printed on its own line: couriers sort parcels by it


def _label(canvas: Canvas, label: LabelData) -> None:
    """One label drawn in a 100 x 150 mm box whose lower-left corner is the current origin."""
    width, height = THERMAL
    pad = 5 * mm
    inner = width - 2 * pad
    canvas.setLineWidth(0.8)
    canvas.rect(1 * mm, 1 * mm, width - 2 * mm, height - 2 * mm)
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(pad, height - 12 * mm, printable(label.carrier or _("Courier"))[:32])
    canvas.setFont("Helvetica-Bold" if label.cod else "Helvetica", 11 if label.cod else 9)
    canvas.drawRightString(width - pad, height - 12 * mm, printable(f"COD {label.cod}" if label.cod else _("Non-COD")))
    canvas.line(pad, height - 16 * mm, width - pad, height - 16 * mm)
    if label.tracking_number:
        draw_code128(canvas, label.tracking_number, pad, height - 42 * mm, width=inner, height=22 * mm, centred=True)
        canvas.setFont("Courier-Bold", 14)
        canvas.drawCentredString(width / 2, height - 49 * mm, printable(label.tracking_number))
    else:
        canvas.setFont("Helvetica-Oblique", 10)
        canvas.drawCentredString(width / 2, height - 32 * mm, printable(_("No tracking number yet.")))
    canvas.line(pad, height - 53 * mm, width - pad, height - 53 * mm)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(pad, height - 59 * mm, printable(_("To")))
    y = draw_lines(canvas, [label.recipient_name or "-"], pad, height - 65 * mm, width=inner, font="Helvetica-Bold",
                   size=12, max_lines=2)
    y = draw_lines(canvas, [label.recipient_phone, label.recipient_address], pad, y, width=inner, size=10, max_lines=5)
    if label.recipient_postal:
        y = draw_lines(canvas, [_("Postal code %(code)s", code=label.recipient_postal)], pad, y, width=inner,
                       font="Helvetica-Bold", size=11, max_lines=1)
    top = min(y - 3 * mm, height - 100 * mm)
    canvas.line(pad, top, width - pad, top)
    canvas.setFont("Helvetica", 8)
    canvas.drawString(pad, top - 5 * mm, printable(_("From")))
    draw_lines(canvas, [label.sender_name, label.sender_detail], pad, top - 10 * mm, width=inner, size=9, max_lines=3)
    canvas.line(pad, 24 * mm, width - pad, 24 * mm)
    draw_code128(canvas, label.order_number, pad, 12 * mm, width=inner * 0.6, height=9 * mm, max_module=0.3 * mm)
    canvas.setFont("Courier", 8)
    canvas.drawString(pad, 8 * mm, printable(label.order_number))
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(width - pad, 18 * mm, printable(label.source)[:30])
    canvas.drawRightString(width - pad, 13 * mm, printable(_("%(num)d units", num=label.units)))


def labels_pdf(labels: list[LabelData], size: LabelSize = LabelSize.THERMAL) -> bytes:
    """One label per 100 x 150 mm page, or four per A4 sheet (2 x 2, scaled to fit)."""
    out = io.BytesIO()
    if size is LabelSize.A4:
        canvas = new_canvas(out, A4_SIZE, _("Shipping labels"))
        sheet_w, sheet_h = A4_SIZE
        scale = min((sheet_w - 10 * mm) / 2 / THERMAL[0], (sheet_h - 10 * mm) / 2 / THERMAL[1])
        cell_w, cell_h = THERMAL[0] * scale, THERMAL[1] * scale
        left = (sheet_w - 2 * cell_w) / 2
        bottom = (sheet_h - 2 * cell_h) / 2
        spots = [(left, bottom + cell_h), (left + cell_w, bottom + cell_h), (left, bottom), (left + cell_w, bottom)]
        for i, label in enumerate(labels):
            if i and i % 4 == 0:
                canvas.showPage()
            x, y = spots[i % 4]
            canvas.saveState()
            canvas.translate(x, y)
            canvas.scale(scale, scale)
            _label(canvas, label)
            canvas.restoreState()
        canvas.showPage()
    else:
        canvas = new_canvas(out, THERMAL, _("Shipping labels"))
        for label in labels:
            _label(canvas, label)
            canvas.showPage()
    canvas.save()
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class SlipData:
    """What a packing slip shows of one order."""

    organization: str
    order_number: str
    source: str
    placed: str  # formatted in the organisation's zone
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    lines: list[SlipLine] = field(default_factory=list)


def packing_slips_pdf(slips: list[SlipData]) -> bytes:
    """One A4 page per order (a long order continues on the next): items with a box to tick."""
    out = io.BytesIO()
    canvas = new_canvas(out, A4_SIZE, _("Packing slip"))
    width, height = A4_SIZE
    margin = 15 * mm
    for slip in slips:
        y = _slip_head(canvas, slip, width, height, margin)
        for line in slip.lines:
            if y < margin + 20 * mm:
                canvas.showPage()
                y = _slip_head(canvas, slip, width, height, margin)
            canvas.rect(margin, y - 1 * mm, 4 * mm, 4 * mm)
            canvas.setFont("Courier", 9)
            canvas.drawString(margin + 8 * mm, y, printable(line.sku)[:24])
            canvas.setFont("Helvetica", 9)
            canvas.drawString(margin + 55 * mm, y, printable(line.name)[:70])
            canvas.drawRightString(width - margin, y, str(line.quantity))
            y -= 7 * mm
        canvas.line(margin, y + 3 * mm, width - margin, y + 3 * mm)
        canvas.setFont("Helvetica-Bold", 10)
        canvas.drawString(margin, y - 3 * mm, printable(_("Units")))
        canvas.drawRightString(width - margin, y - 3 * mm, str(sum(line.quantity for line in slip.lines)))
        canvas.setFont("Helvetica", 9)
        canvas.drawString(margin, y - 12 * mm, printable(_("Thank you for your order!")))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _slip_head(canvas: Canvas, slip: SlipData, width: float, height: float, margin: float) -> float:
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(margin, height - margin - 6 * mm, printable(_("Packing slip")))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(margin, height - margin - 12 * mm, printable(slip.organization))
    draw_code128(canvas, slip.order_number, width - margin - 70 * mm, height - margin - 12 * mm, width=70 * mm,
                 height=10 * mm, max_module=0.35 * mm)
    canvas.setFont("Courier", 9)
    canvas.drawRightString(width - margin, height - margin - 16 * mm, printable(slip.order_number))
    y = draw_lines(canvas, [slip.recipient_name or "-"], margin, height - margin - 26 * mm, width=width - 2 * margin,
                   font="Helvetica-Bold", size=11, max_lines=1)
    y = draw_lines(canvas, [slip.recipient_phone, slip.recipient_address, f"{slip.source} · {slip.placed}"], margin, y,
                   width=width - 2 * margin, size=9, max_lines=4)
    y -= 4 * mm
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(margin + 8 * mm, y, "SKU")
    canvas.drawString(margin + 55 * mm, y, printable(_("Item")))
    canvas.drawRightString(width - margin, y, printable(_("Qty")))
    canvas.line(margin, y - 2 * mm, width - margin, y - 2 * mm)
    return y - 8 * mm


@dataclass(frozen=True, slots=True)
class ManifestRow:
    tracking_number: str
    order_number: str
    recipient: str
    source: str
    cod: bool


@dataclass(frozen=True, slots=True)
class ManifestData:
    """The parcels one courier collects on one pickup day."""

    organization: str
    carrier: str
    day: date
    rows: list[ManifestRow]


def manifests_pdf(manifests: list[ManifestData]) -> bytes:
    """One manifest per courier (A4, continued over pages): the waybills, their count and the
    signatures of who handed the parcels over and the courier who took them."""
    out = io.BytesIO()
    canvas = new_canvas(out, A4_SIZE, _("Courier manifest"))
    width, height = A4_SIZE
    margin = 15 * mm
    for manifest in manifests:
        y = _manifest_head(canvas, manifest, width, height, margin)
        for number, row in enumerate(manifest.rows, start=1):
            if y < margin + 45 * mm:
                canvas.showPage()
                y = _manifest_head(canvas, manifest, width, height, margin)
            canvas.setFont("Helvetica", 9)
            canvas.drawRightString(margin + 8 * mm, y, str(number))
            canvas.setFont("Courier", 9)
            canvas.drawString(margin + 11 * mm, y, printable(row.tracking_number or "-")[:26])
            canvas.drawString(margin + 66 * mm, y, printable(row.order_number)[:22])
            canvas.setFont("Helvetica", 9)
            canvas.drawString(margin + 112 * mm, y, printable(row.recipient)[:28])
            canvas.drawRightString(width - margin, y, "COD" if row.cod else "")
            y -= 6.5 * mm
        canvas.line(margin, y + 3 * mm, width - margin, y + 3 * mm)
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(margin, y - 4 * mm, printable(_("Parcels: %(count)s", count=len(manifest.rows))))
        y -= 24 * mm
        half = (width - 2 * margin) / 2
        for i, who in enumerate((_("Handed over by"), _("Received by the courier (name, signature, time)"))):
            x = margin + i * half
            canvas.line(x, y, x + half - 8 * mm, y)
            canvas.setFont("Helvetica", 8)
            canvas.drawString(x, y - 4 * mm, printable(who))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _manifest_head(canvas: Canvas, manifest: ManifestData, width: float, height: float, margin: float) -> float:
    canvas.setFont("Helvetica-Bold", 15)
    canvas.drawString(margin, height - margin - 6 * mm,
                      printable(_("Courier manifest: %(carrier)s", carrier=manifest.carrier)))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(margin, height - margin - 12 * mm,
                      printable(f"{manifest.organization} · {_('Pickup')} {manifest.day.isoformat()}"))
    y = height - margin - 22 * mm
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(margin + 11 * mm, y, printable(_("Waybill")))
    canvas.drawString(margin + 66 * mm, y, printable(_("Order")))
    canvas.drawString(margin + 112 * mm, y, printable(_("Recipient")))
    canvas.line(margin, y - 2 * mm, width - margin, y - 2 * mm)
    return y - 8 * mm
