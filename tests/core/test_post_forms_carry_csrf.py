"""Every POST form in a template carries the CSRF token as a field, so it still submits when htmx's
boost (which adds the token as a header) is not in play: a plain browser submit, JS disabled, or
hx-boost="false". The parcel-sizes form lacked it and answered 403 to such a submit."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "app"
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST = re.compile(r"""method=["']post["']""", re.I)


def test_every_post_form_has_the_csrf_field():
    missing = []
    for template in sorted(ROOT.rglob("*.html")):
        for form in FORM.findall(template.read_text(encoding="utf-8")):
            opening = form.split(">", 1)[0]
            if POST.search(opening) and "csrf_input" not in form:
                missing.append(f"{template.relative_to(ROOT)}: {opening[:80]}")
    assert not missing, missing
