"""What every PDF StoreSync draws shares: paper sizes, text the standard fonts can print, Code 128
bars (python-barcode's modules, drawn as rectangles) and merging files (pypdf).

reportlab draws; pypdf merges and counts pages. Drawing is CPU work: callers in async code run it
through ``asyncio.to_thread``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from barcode import Code128
from barcode.errors import BarcodeError
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

THERMAL = (100 * mm, 150 * mm)


def printable(text: object) -> str:
    """`text` in what the built-in PDF fonts can show (Latin-1); anything else becomes '?'."""
    return str(text or "").encode("latin-1", "replace").decode("latin-1")


def draw_code128(canvas: Canvas, value: str, x: float, y: float, *, width: float, height: float,
                 max_module: float = 0.45 * mm, centred: bool = False) -> float:
    """Code 128 bars of `value` (python-barcode's encoding) fitted into `width` from x (centred in
    it when asked); the width drawn (0 for an empty or unencodable value)."""
    if not value:
        return 0.0
    try:
        modules = Code128(value).build()[0]
    except BarcodeError:
        return 0.0
    module = min(max_module, width / len(modules))
    if centred:
        x += (width - module * len(modules)) / 2
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    run_start = None
    for i, bit in enumerate(modules + "0"):
        if bit == "1" and run_start is None:
            run_start = i
        elif bit != "1" and run_start is not None:
            canvas.rect(x + run_start * module, y, (i - run_start) * module, height, stroke=0, fill=1)
            run_start = None
    canvas.restoreState()
    return module * len(modules)


def draw_lines(canvas: Canvas, lines: Iterable[str], x: float, y: float, *, width: float, font: str = "Helvetica",
               size: float = 9, leading: float | None = None, max_lines: int = 6) -> float:
    """Wrapped text from the top at y; the y below the last line."""
    leading = leading or size * 1.25
    canvas.setFont(font, size)
    drawn = 0
    for line in lines:
        for part in simpleSplit(printable(line), font, size, width) or [""]:
            if drawn >= max_lines:
                return y
            canvas.drawString(x, y, part)
            y -= leading
            drawn += 1
    return y


def new_canvas(out: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(printable(title))
    canvas.setCreator("StoreSync")
    return canvas


def merge(files: Iterable[bytes]) -> bytes:
    """The pages of the given PDFs in one file, in order."""
    writer = PdfWriter()
    for data in files:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


A4_SIZE = A4
