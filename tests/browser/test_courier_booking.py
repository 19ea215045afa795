"""A courier booked from the order page on the warehouse tablet (820x1180): the seller sets up the
courier aggregator (the mounted sandbox), books a pickup for a manual order with a live quote, gets
the waybill and a label link, and watches the tracking timeline update by itself as the courier's
webhooks arrive."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def test_book_a_courier_and_watch_the_tracking_update(tablet, seller, live_url):
    from app.settings import get_settings

    tablet = own_shots(tablet, "courier")
    page = tablet.page
    sign_up(page, seller)
    sku = f"KRD-{seller.email.split('@')[0][-6:].upper()}"

    page.goto("/products/new")
    page.fill("#f-name", "Kopi Gayo 1 kg")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-price", "150000")
    page.fill("#f-variants-0-weight_grams", "1100")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(sku)
    adjust.locator("#f-delta").fill("5")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text(f"{sku} now has 5 available.")

    # -- the courier aggregator: key, services, webhook secret, the warehouse's pickup address --
    page.goto("/settings/shipping/")
    page.check("#f-enabled")
    page.fill("#f-api_key", get_settings().sandbox_biteship_api_key)
    for code in ("jne:reg", "jnt:ez", "sicepat:reg"):
        page.check(f"input[name=services][value='{code}']")
    page.fill("#f-webhook_header", "x-courier-token")
    page.fill("#f-webhook_secret", "browser-webhook-secret-123")
    page.locator("input[name^=contact_name_]").first.fill("Gudang Kopi")
    page.locator("input[name^=phone_]").first.fill("081299990000")
    page.locator("input[name^=address_]").first.fill("Jl. Kemang Raya 10, Jakarta")
    page.locator("input[name^=postal_code_]").first.fill("12190")
    page.click("#shipping-settings-form button.primary")
    expect(page.locator("#flash")).to_contain_text("Shipping settings saved.")
    webhook_url = page.locator("#webhook-url").inner_text().strip()
    control = f"{live_url}/sandbox/_control/couriers"
    httpx.put(f"{control}/accounts", json={"api_key": get_settings().sandbox_biteship_api_key,
                                           "webhook_url": webhook_url, "header_name": "x-courier-token",
                                           "header_value": "browser-webhook-secret-123"}).raise_for_status()
    tablet.shot("settings")

    # -- a WhatsApp order to Bandung, booked from its page ------------------------------------
    page.goto("/orders/new")
    page.fill("#f-customer_name", "Rina (WhatsApp)")
    page.fill("#f-address", "Jl. Braga No. 12, Bandung 40111")
    page.fill("#f-line-0-code", sku)
    page.fill("#f-line-0-qty", "2")
    page.get_by_role("button", name="Create order").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    panel = page.locator("#shipping-panel")
    expect(panel.locator("input[name=service]").first).to_be_visible(timeout=20_000)
    expect(page.locator("#f-weight_grams")).to_have_value("2200")
    expect(panel).to_contain_text("J&T EZ")
    tablet.shot("quote")
    panel.locator("input[name=service][value='jne:reg']").check()
    page.click("#book-button")
    expect(page.locator("#waybill")).to_have_text(re.compile(r"^01\d{14}$"), timeout=20_000)
    expect(page.locator("#shipment-state")).to_have_text("Courier booked")
    expect(panel.get_by_role("link", name="Print label")).to_be_visible()
    waybill = page.locator("#waybill").inner_text().strip()
    tablet.shot("booked")

    # -- the courier moves the parcel; the timeline follows without a reload -------------------
    httpx.post(f"{control}/orders/{waybill}/status", json={"status": "picked"}).raise_for_status()
    expect(page.locator("#tracking-timeline")).to_contain_text("Parcel picked up", timeout=30_000)
    expect(page.locator("#shipment-state")).to_have_text("Picked up by the courier")
    httpx.post(f"{control}/orders/{waybill}/status", json={"status": "delivered"}).raise_for_status()
    expect(page.locator("#shipment-state")).to_have_text("Delivered", timeout=30_000)
    expect(page.locator("#tracking-timeline li")).to_have_count(3)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the order page scrolls sideways by {overflow}px"
    tablet.shot("delivered")
