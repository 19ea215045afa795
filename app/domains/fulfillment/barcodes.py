"""Code 128 barcodes as inline SVG (python-barcode), sized in millimetres for print."""

from __future__ import annotations

import io
import re
from functools import lru_cache

from barcode import Code128
from barcode.errors import BarcodeError
from barcode.writer import SVGWriter
from markupsafe import Markup

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


@lru_cache(maxsize=2048)
def code128_svg(value: str, *, module_width: float = 0.3, height: float = 14.0) -> Markup:
    """An inline <svg> of `value` in Code 128 (no human-readable text: the page prints it); empty
    markup for an empty or unencodable value."""
    if not value:
        return Markup("")
    buffer = io.BytesIO()
    try:
        Code128(value, writer=SVGWriter()).write(buffer, options={
            "module_width": module_width, "module_height": height, "quiet_zone": 3.0, "write_text": False,
        })
    except BarcodeError:
        return Markup("")
    svg = _PROLOGUE.sub("", buffer.getvalue().decode("utf-8"), count=1)
    svg = re.sub(r"<!--.*?-->|\s+id=\"barcode_group\"", "", svg, flags=re.S)
    # Colours as SVG attributes: the Content-Security-Policy refuses style="" attributes.
    svg = re.sub(r'style="fill:\s*(\w+);?"', r'fill="\1"', svg)
    label = Markup.escape(value)
    # the generated markup holds only numbers and fixed attributes; the value is escaped above
    return Markup(svg.replace("<svg ", f'<svg class="barcode" role="img" aria-label="{label}" ', 1))  # noqa: S704
