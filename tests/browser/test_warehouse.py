"""The warehouse on a tablet (820x1180) with a keyboard-wedge scanner: a manual order is picked,
packed by scanning (one wrong item refused loudly), shipped with a typed tracking number, and its
label printed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser

TAP = 44


def scan(page: Page, code: str) -> None:
    """What a USB or Bluetooth scanner does: type into whatever has the focus, then Enter."""
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'scan-code'")
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def assert_tap_targets(page: Page, selector: str) -> None:
    for i in range(page.locator(selector).count()):
        box = page.locator(selector).nth(i).bounding_box()
        if box:
            assert box["height"] >= TAP, f"{selector} #{i} is {box['height']}px tall"


def test_pick_pack_with_a_wrong_scan_ship_and_print_the_label(tablet, seller):
    tablet = own_shots(tablet, "warehouse")
    page = tablet.page
    sign_up(page, seller)
    tag = seller.email.split("@")[0][-6:].upper()
    shirt, sarong = f"KMJ-{tag}", f"SRG-{tag}"

    # -- a catalog of two items with stock, and a WhatsApp order for two shirts ---------------
    page.goto("/products/new")
    page.fill("#f-name", "Kemeja Batik Parang")
    page.fill("#f-variants-0-sku", shirt)
    page.fill("#f-variants-0-price", "185000")
    page.get_by_role("button", name="Add variant").click()
    # the second row comes from the server (htmx); a loaded CI machine can take a while
    expect(page.locator("#variant-rows .variant-row")).to_have_count(2, timeout=30_000)
    page.fill("#f-variants-1-sku", sarong)
    page.fill("#f-variants-1-price", "95000")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.goto("/inventory")
    for sku in (shirt, sarong):
        adjust = page.locator("form[hx-post='/inventory/adjust']")
        adjust.locator("#f-code").fill(sku)
        adjust.locator("#f-delta").fill("10")
        adjust.locator("#f-reason").fill("stok awal")
        adjust.get_by_role("button", name="Save adjustment").click()
        expect(page.locator("#flash")).to_contain_text(f"{sku} now has 10 available.")
    page.goto("/orders/new")
    page.fill("#f-customer_name", "Dewi Lestari (WhatsApp)")
    page.fill("#f-address", "Jl. Braga No. 12, Bandung 40111")
    page.fill("#f-line-0-code", shirt)
    page.fill("#f-line-0-qty", "2")
    page.get_by_role("button", name="Create order").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    number = page.locator("h1 .mono").inner_text().strip()

    # -- pick: the warehouse page, tick the order, one tap on "Pick selected" -----------------
    page.get_by_role("link", name="Warehouse").first.click()
    page.wait_for_url(re.compile(r"/fulfillment/?$"))
    choice = page.locator(".pick-choice", has_text=number)
    choice.locator("input[type=checkbox]").check()
    assert_tap_targets(page, ".bench-buttons .button, .pick-choice label")
    # the manifest PDF button sits under the manifest tile, not in the grid cell under "Pack"
    pdf = page.locator(".bench-actions > a.button").bounding_box()
    manifest_tile = page.locator(".bench-actions a.bench-tile[href='/fulfillment/manifest']").bounding_box()
    assert pdf["x"] >= manifest_tile["x"], (pdf, manifest_tile)
    tablet.shot("warehouse")
    page.click("#pick-selected")
    page.wait_for_url(re.compile(r"/fulfillment/picklists/\d+$"))
    line = page.locator(".pick-table tbody tr", has_text=shirt)
    expect(line.locator(".qty")).to_have_text("2")
    expect(page.locator(".pick-orders")).to_contain_text(number)
    tablet.shot("pick-list")

    # -- pack: the scan box has the focus; the order number, then the items --------------------
    page.get_by_role("link", name="Pack", exact=True).click()
    page.wait_for_url(re.compile(r"/fulfillment/pack$"), timeout=30_000)
    expect(page.locator("#scan-code")).to_be_focused()
    scan(page, number)
    expect(page.locator(".pack-order")).to_contain_text(number)
    expect(page.locator(".pack-count")).to_contain_text("0 / 2")
    scan(page, shirt)
    expect(page.locator("#scan-feedback")).to_contain_text("1 of 2")
    scan(page, sarong)  # the wrong item: refused loudly, nothing counted
    feedback = page.locator("#scan-feedback")
    expect(feedback).to_have_class(re.compile(r"\bbad\b"))
    expect(feedback).to_contain_text("Wrong item")
    expect(page.locator(".pack-count")).to_contain_text("1 / 2")
    expect(page.locator("#scan-code")).to_be_focused()
    tablet.shot("pack-wrong-item")
    scan(page, shirt)
    expect(feedback).to_contain_text("is packed")
    expect(page.locator(".pack-done")).to_be_visible()
    tablet.shot("packed")

    # -- ship: one tap to the ship panel, courier and tracking number typed, one tap to ship ----
    page.locator(".pack-done").get_by_role("link", name="Ship").click()
    page.wait_for_url(re.compile(r"/fulfillment/orders/\d+/ship$"))
    page.fill("#ship-carrier", "JNE")
    page.fill("#scan-code", "JNE0123456789")
    assert_tap_targets(page, ".ship-manual input, .ship-manual button")
    page.locator(".ship-manual").get_by_role("button", name="Ship").click()
    expect(page.locator("#ship-panel .tracking")).to_contain_text("JNE0123456789")
    expect(page.locator("#ship-panel .status")).to_have_text("Shipped")
    tablet.shot("shipped")

    # -- the label and packing slip, print-ready with barcodes ---------------------------------
    href = page.get_by_role("link", name="Print label and packing slip").get_attribute("href")
    page.goto(href)
    expect(page.locator("#shipping-label svg.barcode").first).to_be_visible()
    expect(page.locator("#shipping-label")).to_contain_text("JNE0123456789")
    expect(page.locator(".packing-slip")).to_contain_text(shirt)
    tablet.shot("label")
    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    tablet.shot("label-print")
    page.emulate_media(media="screen")

    page.goto("/fulfillment/manifest")
    expect(page.locator(".manifest-carrier", has_text="JNE")).to_contain_text(number)
    tablet.shot("manifest")
