"""Publishing from a phone (390x844): open a product, "Publish to…" a connected Shopee store, fill
the category's attributes, publish, and see the listing created and mapped."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.flows import connect_new_shopee_shop, own_shots, sign_up

pytestmark = pytest.mark.browser


def test_publish_a_product_to_a_store_from_a_phone(phone, seller, live_url, tmp_path):
    screen = own_shots(phone, "publish")
    page = screen.page
    sign_up(page, seller)
    connect_new_shopee_shop(page, live_url, f"Toko Terbit {uuid.uuid4().hex[:6]}", products=0)

    sku = f"KTB-{uuid.uuid4().hex[:6].upper()}"
    page.goto("/products/new")
    page.fill("#f-name", "Kaos Polos Katun Combed")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-price", "89000")
    page.fill("#f-variants-0-weight_grams", "250")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    photo = tmp_path / "kaos.png"
    out = io.BytesIO()
    Image.new("RGB", (800, 800), (30, 30, 30)).save(out, format="PNG")
    photo.write_bytes(out.getvalue())
    page.locator(".photo-form input[type=file]").first.set_input_files(str(photo))
    expect(page.locator(".variant-photo img, img.variant-photo").first).to_be_visible()

    targets = page.locator("#publish")
    expect(targets.get_by_role("link", name=re.compile("Toko Terbit"))).to_be_visible()
    screen.shot("01-publish-to")
    targets.get_by_role("link", name=re.compile("Toko Terbit")).click()
    page.wait_for_url(re.compile(r"/publish/products/\d+/stores/\d+"))

    # The category is proposed from the product's name; choose Kaos to be sure, then its attributes.
    page.select_option("#f-category", label="Kaos")
    # A GET form: wait for the new page, or the attributes filled below belong to the page it replaces.
    with page.expect_navigation(url=re.compile(r"category_id=")):
        page.get_by_role("button", name="Use this category").click()
    brand = page.get_by_label("Merek")
    expect(brand).to_be_visible()
    brand.select_option(label="No Brand") if brand.evaluate("e => e.tagName") == "SELECT" else brand.fill("No Brand")
    material = page.get_by_label("Bahan")
    material.select_option(label="Katun") if material.evaluate("e => e.tagName") == "SELECT" else material.fill("Katun")
    page.fill("#f-description", "Kaos katun combed 30s, adem.")
    screen.shot("02-form")
    page.get_by_role("button", name="Publish", exact=True).click()

    result = page.locator("#published")
    expect(result).to_contain_text("1 variant(s) are mapped")
    expect(result).to_contain_text("Toko Terbit")
    screen.shot("03-published")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the result page is {wide}px wide on a 390px phone"
