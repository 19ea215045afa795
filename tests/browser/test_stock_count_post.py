"""Issue 4, in a real browser on the warehouse tablet: a stock count by scanning. A product with one
barcoded variant gets 5 units by adjustment; a count scans its barcode three times (typed + Enter,
as a scanner does, with the focus kept in the scan box), shows counted 3 and a difference of -2, is
posted, and the variant's movement history shows the ledger rows: the adjustment (+5) and the
count (-2, reference count:<id>)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def wait_for_scan_focus(page: Page) -> None:
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'scan-code'")


def test_stock_count_by_scanning_posts_the_difference_to_the_ledger(tablet, seller):
    screen = own_shots(tablet, "count")
    page = screen.page
    sign_up(page, seller)
    tag = seller.email.split("@")[0][-6:].upper()
    sku = f"TBS-{tag}"
    barcode = "899" + str(int(tag, 16) % 10**10).zfill(10)  # 13 digits, unique per run

    # -- a product with one variant that has a barcode -------------------------------------------
    page.goto("/products/new")
    page.fill("#f-name", "Tas Batik Selempang")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-barcode", barcode)
    page.fill("#f-variants-0-price", "125000")
    expect(page.locator("#variant-rows .variant-row")).to_have_count(1)
    screen.shot("product-new")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    expect(page.locator("#flash")).to_contain_text("Product created.")
    expect(page.locator("#f-variants-0-barcode")).to_have_value(barcode)
    screen.shot("product-created")

    # -- five on the shelf, by adjustment ----------------------------------------------------------
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(sku)
    adjust.locator("#f-delta").fill("5")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text(f"{sku} now has 5 available.")
    row = page.locator("#stock-page tbody tr", has_text=sku)
    expect(row.locator(".stock")).to_have_text("5")
    sku_link = row.locator("td.sku a")
    variant_id = int(re.search(r"variant=(\d+)", sku_link.get_attribute("href")).group(1))
    assert_no_page_overflow(page)
    screen.shot("inventory-adjusted")

    # -- a count: three scans of the barcode, the focus stays in the scan box --------------------
    page.goto("/inventory/counts")
    page.get_by_role("button", name="Start counting").click()
    page.wait_for_url(re.compile(r"/inventory/counts/\d+$"))
    count_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    scan = page.locator("#scan-code")
    expect(scan).to_be_focused()
    expect(page.locator("#count-sheet")).to_contain_text("Nothing counted yet.")
    screen.shot("count-open")
    for n in (1, 2, 3):
        page.keyboard.type(barcode)  # a scanner types into whatever has the focus...
        page.keyboard.press("Enter")  # ...and presses Enter
        expect(page.locator("#scan-feedback")).to_have_text(re.compile(rf"{re.escape(sku)} counted: {n}\b"))
        expect(scan).to_have_value("")
        wait_for_scan_focus(page)
    expect(page.locator("#scan-feedback")).to_contain_text("counted: 3")
    line = page.locator("#count-sheet tbody tr", has_text=sku)
    expect(line).to_have_count(1)
    expect(line.locator("td.expected")).to_have_text("5")
    expect(line.locator("td.counted")).to_have_text("3")
    expect(line.locator("td.difference")).to_have_text("-2")
    assert_no_page_overflow(page)
    screen.shot("count-scanned")

    # -- post it: the confirm dialog is accepted ---------------------------------------------------
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name=re.compile("post the count")).click()
    expect(page.locator("#count-sheet")).to_contain_text("Posted")
    assert dialogs == ["Post the count? On hand becomes the counted figures."]
    expect(page.locator("#scan-code")).to_have_count(0)  # a posted count takes no more scans
    expect(page.locator("#count-sheet .count-post")).to_have_count(0)
    expect(page.locator("#count-sheet tbody tr", has_text=sku).locator("td.counted")).to_have_text("3")
    screen.shot("count-posted")

    page.goto("/inventory/counts")
    expect(page.locator(f".list li:has(a[href='/inventory/counts/{count_id}']) .status")).to_have_text("Posted")

    # -- stock now 3; the SKU link opens the variant's ledger ------------------------------------
    page.goto(f"/inventory?q={sku}")
    row = page.locator("#stock-page tbody tr", has_text=sku)
    expect(row.locator(".stock")).to_have_text("3")
    row.locator("td.sku a").click()
    page.wait_for_url(re.compile(rf"/inventory/movements\?variant={variant_id}$"))
    moves = page.locator("table.moves tbody tr")
    expect(moves).to_have_count(2)
    count_link = f"a[href='/inventory/counts/{count_id}']"  # the reference count:<id>, as a link to the count
    counted = moves.filter(has=page.locator(count_link))
    expect(counted).to_have_count(1)
    expect(counted.locator("td.sku")).to_have_text(sku)
    expect(counted.locator("td.onhand")).to_have_text(re.compile(r"^-2\s*→\s*3$"))
    adjusted = moves.filter(has_text="stok awal")
    expect(adjusted).to_have_count(1)
    expect(adjusted.locator("td.onhand")).to_have_text(re.compile(r"^\+5\s*→\s*5$"))
    expect(adjusted.locator("td.who")).to_have_text(seller.email)
    expect(moves.first.locator(count_link)).to_have_text(f"Stock count #{count_id}")  # newest first
    assert_no_page_overflow(page)
    screen.shot("movements")
