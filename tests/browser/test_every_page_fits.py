"""Every page fits a phone: at 390×844, in English and in Bahasa Indonesia, nothing scrolls sideways.

The organisation comes from tests/seeded_pages.py, run as a subprocess on the server's database
(a store, products with stock, orders in several states, a job, notifications). Every page gets a
screenshot per language on the phone (pages-phone-<lang>-NN-<page>.png) and in Indonesian on the
warehouse tablet (pages-tablet-id-…), for a person to look at.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page

from tests.browser.flows import own_shots
from tests.support import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(live_url) -> dict:
    from app.settings import get_settings

    done = subprocess.run([sys.executable, "-m", "tests.seeded_pages"], cwd=ROOT, env=get_settings().child_env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def log_in(page: Page, seeded: dict, locale: str) -> None:
    page.goto("/login")
    page.fill("#login-form input[name=email]", seeded["email"])
    page.fill("#login-form input[name=password]", seeded["password"])
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/account")
    page.locator(f".language button[value={locale}]").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == locale


def step_name(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "dashboard"


# The elements that stick out past the screen while their parent does not: where to look.
WIDEST = """(limit) => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right > limit + 1 && parent && parent.getBoundingClientRect().right <= limit + 1) {
      out.push(`${name(parent)} > ${name(el)} (${Math.round(right)}px)`);
    }
  }
  return out.slice(0, 4).join(', ');
}"""


def walk(screen, seeded: dict, locale: str) -> list[str]:
    """Open every page; return the ones wider than the screen."""
    page = screen.page
    log_in(page, seeded, locale)
    too_wide = []
    for url in seeded["urls"]:
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        page.wait_for_load_state("networkidle")
        if not page.locator("meta[name=viewport]").count():
            continue  # a fragment (a row, a counter) that htmx swaps into a page, not a page
        # A mobile browser widens its layout viewport (innerWidth) to fit wide content, so the
        # device's width is the measure, not innerWidth alone.
        screen_width = min(page.viewport_size["width"], page.evaluate("window.innerWidth"))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > screen_width:
            culprits = page.evaluate(WIDEST, screen_width)
            too_wide.append(f"{url} ({locale}): {width}px on a {screen_width}px screen; {culprits}")
        screen.shot(step_name(url))
    return too_wide


@pytest.mark.parametrize("locale", ["en", "id"])
def test_every_page_fits_a_phone(phone, seeded, locale):
    screen = own_shots(phone, f"pages-{locale}")
    too_wide = walk(screen, seeded, locale)
    assert len(screen.taken) > 30, f"only {len(screen.taken)} pages opened"
    assert not too_wide, "pages wider than the phone:\n" + "\n".join(too_wide)


def test_every_page_on_the_warehouse_tablet_in_indonesian(tablet, seeded):
    screen = own_shots(tablet, "pages-id")
    too_wide = walk(screen, seeded, "id")
    assert len(screen.taken) > 30, f"only {len(screen.taken)} pages opened"
    assert not too_wide, "pages wider than the tablet:\n" + "\n".join(too_wide)


def test_a_saved_manual_order_moves_the_address_bar_to_the_order(phone, seeded):
    """Redirect after POST: after saving, the address bar shows the new order, not /orders/new."""
    screen = own_shots(phone, "pages-new-order")
    page = screen.page
    log_in(page, seeded, "en")
    page.goto("/orders/new")
    page.fill("#f-customer_name", "Rina Kusuma")
    page.fill("#f-line-0-code", "MKP-1201")
    page.get_by_role("button", name="Create order").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    page.wait_for_load_state("networkidle")
    items = page.locator("#order-detail").get_by_role("listitem").filter(has_text="MKP-1201")
    # the line names the product, not only its variant
    assert "Minyak Kayu Putih 60 ml" in items.first.inner_text()
    screen.shot("order-saved")
