"""Taking a listing off sale and putting it on sale again from a phone (390x844): publish a product
live to a connected Shopee store, then on the product page press "Take off sale", accept the confirm,
see the change waiting and then the new state as the worker's job answers, and put it on sale again."""

from __future__ import annotations

import io
import re
import uuid

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.flows import connect_new_shopee_shop, own_shots, sign_up

pytestmark = pytest.mark.browser


def test_take_a_listing_off_sale_and_put_it_on_sale_again(phone, seller, live_url, tmp_path):
    screen = own_shots(phone, "listing-sale")
    page = screen.page
    sign_up(page, seller)
    shop_id, _store_id = connect_new_shopee_shop(page, live_url, f"Toko Jual {uuid.uuid4().hex[:6]}", products=0)

    page.goto("/products/new")
    page.fill("#f-name", "Kaos Polos Katun Combed")
    page.fill("#f-variants-0-sku", f"KJL-{uuid.uuid4().hex[:6].upper()}")
    page.fill("#f-variants-0-price", "89000")
    page.fill("#f-variants-0-weight_grams", "250")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    product_url = page.url
    photo = tmp_path / "kaos.png"
    out = io.BytesIO()
    Image.new("RGB", (800, 800), (30, 30, 30)).save(out, format="PNG")
    photo.write_bytes(out.getvalue())
    page.locator(".photo-form input[type=file]").first.set_input_files(str(photo))
    expect(page.locator(".variant-photo img, img.variant-photo").first).to_be_visible()
    page.locator("#publish").get_by_role("link", name=re.compile("Toko Jual")).click()
    page.wait_for_url(re.compile(r"/publish/products/\d+/stores/\d+"))
    page.select_option("#f-category", label="Kaos")
    with page.expect_navigation(url=re.compile(r"category_id=")):
        page.get_by_role("button", name="Use this category").click()
    for label, value in (("Merek", "No Brand"), ("Bahan", "Katun")):
        field = page.get_by_label(label)
        field.select_option(label=value) if field.evaluate("e => e.tagName") == "SELECT" else field.fill(value)
    page.fill("#f-description", "Kaos katun combed 30s, adem.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator("#published")).to_contain_text("Toko Jual")
    item_id = re.search(r"The listing (\S+) is on", page.locator("#published").inner_text()).group(1)

    def status_on_shopee() -> str:
        products = httpx.get(f"{live_url}/sandbox/_control/shops/shopee/{shop_id}/listings/{item_id}")
        return products.json()["status"] if products.status_code == 200 else f"HTTP {products.status_code}"

    page.goto(product_url)
    listing = page.locator("#listing-changes .listing-sale").first
    expect(listing.locator(".listing-state")).to_have_text("Live")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    listing.get_by_role("button", name="Take off sale").click()
    expect(listing.locator(".listing-state")).to_have_text("Unlisted", timeout=20_000)
    assert asked and asked[0].startswith("Take this listing off sale?"), asked
    screen.shot("01-taken-off-sale")
    assert status_on_shopee() == "UNLIST"

    listing.get_by_role("button", name="Put on sale").click()
    expect(listing.locator(".listing-state")).to_have_text("Live", timeout=20_000)
    expect(listing.get_by_role("button", name="Take off sale")).to_be_visible()
    screen.shot("02-on-sale-again")
    assert status_on_shopee() == "NORMAL"
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the product page is {wide}px wide on a 390px phone"
