"""The seller's own shop on a phone (390x844): the seller opens the website and puts a product on
it; a buyer browses, adds to the cart, chooses the address step by step, pays by bank transfer
and lands on the order's status page. The seller sees the order in the one queue as Website."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def test_buyer_journey_on_a_phone_and_the_sellers_website_settings(phone, another_phone, seller):
    phone = own_shots(phone, "storefront")
    page = phone.page
    sign_up(page, seller)
    tag = seller.email.split("@")[0][-6:].lower()
    sku = f"KAOS-{tag.upper()}"
    slug = f"toko-{tag}"

    # -- the seller: a product with stock, then the Website page --------------------------------
    page.goto("/products/new")
    page.fill("#f-name", "Kaos Katun Bandung")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-price", "89000")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(sku)
    adjust.locator("#f-delta").fill("3")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text(f"{sku} now has 3 available.")
    page.goto("/website/")
    page.check("input[name=enabled]")
    page.fill("#f-slug", slug)
    page.fill("#f-title", "Kaos Bandung")
    page.fill("#f-whatsapp", "0812 7777 8888")
    phone.shot("seller-website-settings")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#flash")).to_contain_text("Website settings saved.")
    page.locator(".website-products input[type=checkbox]").first.check()
    page.get_by_role("button", name="Show ticked on the website").click()
    expect(page.locator(".website-products")).to_contain_text("On the website")
    phone.shot("seller-products-on-website")

    # -- the buyer, on their own phone: browse, product, cart ------------------------------------
    buyer = another_phone()
    buyer.goto(f"/shop/{slug}/")
    expect(buyer.locator(".card")).to_contain_text("Kaos Katun Bandung")
    expect(buyer.locator(".card .hint")).to_have_text("Sisa 3")
    phone.page = buyer
    phone.shot("buyer-home")
    buyer.locator(".card").first.click()
    expect(buyer.locator("h1")).to_have_text("Kaos Katun Bandung")
    expect(buyer.locator(".price.big")).to_have_text("Rp 89.000")
    phone.shot("buyer-product")
    buyer.get_by_role("button", name="Tambah ke keranjang").click()
    buyer.wait_for_url(re.compile(r"/cart$"))
    expect(buyer.locator(".cart-line")).to_contain_text("Kaos Katun Bandung")
    expect(buyer.locator(".badge")).to_have_text("1")
    phone.shot("buyer-cart")

    # -- checkout: the address chosen step by step (htmx swaps the selects) ---------------------
    buyer.get_by_role("link", name="Checkout").click()
    buyer.fill("input[name=name]", "Rina Marlina")
    buyer.fill("input[name=phone]", "0813 2222 3333")
    buyer.fill("textarea[name=line]", "Jl. Dago 45 RT 02/RW 05")
    buyer.select_option("select[name=province]", label="Jawa Barat")
    expect(buyer.locator("select[name=regency] option")).to_contain_text(["Kota Bandung"])
    buyer.select_option("select[name=regency]", label="Kota Bandung")
    expect(buyer.locator("select[name=district]")).to_be_enabled()
    buyer.select_option("select[name=district]", index=1)
    expect(buyer.locator("select[name=village]")).to_be_enabled()
    buyer.select_option("select[name=village]", index=1)
    expect(buyer.locator("input[name=postal_code]")).to_have_value(re.compile(r"^40\d{3}$"))
    expect(buyer.locator("#shipping-options")).to_contain_text("Rp 15.000")
    buyer.check("input[value=bank_transfer]")
    phone.shot("buyer-checkout")
    buyer.get_by_role("button", name="Buat pesanan").click()
    buyer.wait_for_url(re.compile(rf"/shop/{slug}/orders/[\w-]+$"))
    expect(buyer.locator(".state")).to_contain_text("Menunggu pembayaran")
    expect(buyer.locator(".pay .big")).to_have_text(re.compile(r"^Rp 104\.\d{3}$"))
    expect(buyer.locator("a.whatsapp")).to_have_attribute("href", re.compile(r"^https://wa\.me/6281277778888\?text="))
    phone.shot("buyer-order-status")

    # -- the shop now offers 2; the seller sees the order in the queue as Website ----------------
    buyer.goto(f"/shop/{slug}/")
    expect(buyer.locator(".card .hint")).to_have_text("Sisa 2")
    page.goto("/orders")
    row = page.locator("#main li, #main tr", has_text="Rina Marlina").first
    expect(row).to_contain_text("Website")
    # -- its page says how it is paid, that it waits, and until when ------------------------------
    row.locator("a.order-link").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator(".payment-state")).to_contain_text("Bank transfer")
    expect(page.locator(".payment-state")).to_contain_text(re.compile(r"Waiting for payment.*pay by", re.S))
    phone.page = page
    phone.shot("seller-website-order")
