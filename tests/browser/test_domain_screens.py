"""The catalog and stock screens as a new seller meets them: on the warehouse tablet, create a product
with two variants, put stock on it and count it with the scan box; then the same lists on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser

TAP = 44  # px: the smallest comfortable touch target


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def assert_tap_targets(page: Page, selector: str) -> None:
    for i in range(page.locator(selector).count()):
        item = page.locator(selector).nth(i)
        if item.is_visible():
            height = item.bounding_box()["height"]
            assert height >= TAP - 0.5, f"{selector} #{i} is {height:.0f}px high, below {TAP}px"


def test_new_seller_creates_a_product_stocks_it_and_counts_it_by_scanning(tablet, phone, seller):
    tablet, phone = own_shots(tablet, "domains"), own_shots(phone, "domains")
    page = tablet.page
    sign_up(page, seller)
    sku = f"KBS-{seller.email.split('@')[0][-6:].upper()}"

    # -- a new organisation starts with one warehouse (Gudang Utama); a second is added here --
    page.goto("/inventory/locations")
    expect(page.locator("#locations .list")).to_contain_text("GU")
    page.fill("#f-name", "Gudang Bandung")
    page.fill("#f-code", "BDG")
    page.locator("#locations form[hx-post='/inventory/locations']").get_by_role("button", name="Add").click()
    expect(page.locator("#locations .list")).to_contain_text("BDG")

    # -- a product with two variants; the second row comes from "Add variant" (htmx) -----------
    page.goto("/products/new")
    page.fill("#f-name", "Kemeja Batik Sogan")
    page.fill("#f-brand", "Batik Sari")
    page.fill("#f-variants-0-sku", f"{sku}-M")
    page.fill("#f-variants-0-size", "M")
    page.fill("#f-variants-0-price", "185000")
    expect(page.locator("#variant-rows .variant-row")).to_have_count(1)
    page.get_by_role("button", name="Add variant").click()
    expect(page.locator("#variant-rows .variant-row")).to_have_count(2, timeout=30_000)
    page.fill("#f-variants-1-sku", f"{sku}-L")
    page.fill("#f-variants-1-size", "L")
    page.fill("#f-variants-1-price", "195000")
    assert_tap_targets(page, "#product-form input, #product-form button")
    tablet.shot("product-new")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    expect(page.locator("#flash")).to_contain_text("Product created.")
    expect(page.locator("#variant-rows .variant-row")).to_have_count(2)
    expect(page.locator("#f-variants-1-sku")).to_have_value(f"{sku}-L")

    # -- seven units of the M on the shelf, by SKU ---------------------------------------------
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(f"{sku}-M")
    adjust.locator("#f-delta").fill("7")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text(f"{sku}-M now has 7 available.")
    row = page.locator("#stock-page tbody tr", has_text=f"{sku}-M")
    expect(row.locator(".stock")).to_have_text("7")
    assert_no_page_overflow(page)
    tablet.shot("inventory-adjusted")

    # -- a stock count: the scan box has the focus, and keeps it after every scan ---------------
    page.goto("/inventory/counts")
    page.get_by_role("button", name="Start counting").click()
    page.wait_for_url(re.compile(r"/inventory/counts/\d+$"))
    scan = page.locator("#scan-code")
    expect(scan).to_be_focused()
    assert box_height(page, "#scan-code") >= 64, "the scan box is large enough to hit from arm's length"
    assert_tap_targets(page, ".scan-row input, .scan-row button")
    tablet.shot("count-open")
    for n in (1, 2):
        page.keyboard.type(f"{sku}-M")  # a scanner types into whatever has the focus...
        page.keyboard.press("Enter")  # ...and presses Enter
        expect(page.locator("#scan-feedback")).to_have_text(re.compile(rf"{re.escape(sku)}-M counted: {n}\b"))
        expect(scan).to_have_value("")
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'scan-code'")
        assert focused_id(page) == "scan-code", f"the scan box lost the focus after scan {n}"
    expect(page.locator("#scan-feedback")).to_contain_text("counted: 2")
    line = page.locator("#count-sheet tbody tr", has_text=f"{sku}-M")
    expect(line.locator("td.counted")).to_have_text("2")
    expect(line.locator("td.difference")).to_contain_text("-5")
    # a stray tap elsewhere gives the focus back to the scan box
    page.locator("#count-sheet h2").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'scan-code'")
    assert_no_page_overflow(page)
    tablet.shot("count-scanned")

    # -- the same catalog on a phone: no page scrolls sideways ----------------------------------
    mobile = phone.page
    mobile.goto("/login")
    mobile.fill("#f-email", seller.email)
    mobile.fill("#f-password", seller.password)
    mobile.click("#login-form button[type=submit]")
    mobile.wait_for_url(re.compile(r"/$"))
    for path, shot in (("/products", "products"), ("/inventory", "inventory")):
        mobile.goto(path)
        expect(mobile.locator("#main")).to_contain_text(f"{sku}-L" if path == "/products" else f"{sku}-M")
        assert_no_page_overflow(mobile)
        phone.shot(shot)


def box_height(page: Page, selector: str) -> float:
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} is not on screen"
    return found["height"]
