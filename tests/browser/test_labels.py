"""Labels on a tablet (820x1180) and a phone (390x844): a manual order's page offers its label and
packing slip as PDFs and the label paper (remembered); ticking orders in the queue and pressing
Labels runs a job whose progress bar ends in one PDF to download."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def _order_with_stock(page: Page, sku: str, customer: str) -> str:
    page.goto("/orders/new")
    page.fill("#f-customer_name", customer)
    page.fill("#f-address", "Jl. Braga No. 12, Bandung 40111")
    page.fill("#f-line-0-code", sku)
    page.fill("#f-line-0-qty", "1")
    page.get_by_role("button", name="Create order").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    return page.url.rsplit("/", 1)[1]


def test_order_labels_paper_choice_and_a_bulk_labels_job(tablet, seller):
    tablet = own_shots(tablet, "labels")
    page = tablet.page
    sign_up(page, seller)
    sku = "LBL-" + seller.email.split("@")[0][-6:].upper()
    page.goto("/products/new")
    page.fill("#f-name", "Kain Tenun Ikat")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-price", "250000")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(sku)
    adjust.locator("#f-delta").fill("10")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text("now has 10 available")
    first = _order_with_stock(page, sku, "Dewi Lestari")
    second = _order_with_stock(page, sku, "Rudi Hartono")

    # -- the order page: Labels and Packing slip are PDFs; the paper is chosen beside them --------
    page.goto(f"/orders/{second}")
    documents = page.locator("#order-documents")
    expect(documents.get_by_role("link", name="Labels")).to_be_visible()
    expect(page.locator("#label-size-choice")).to_have_value("thermal")
    tablet.shot("order-documents")
    label = page.request.get(documents.get_by_role("link", name="Labels").get_attribute("href"))
    assert label.ok and label.headers["content-type"] == "application/pdf" and label.body().startswith(b"%PDF")
    slip = page.request.get(documents.get_by_role("link", name="Packing slip").get_attribute("href"))
    assert slip.ok and slip.body().startswith(b"%PDF")
    page.select_option("#label-size-choice", "a4")
    expect(page.locator("#label-size")).to_contain_text("Saved.")
    page.reload()
    expect(page.locator("#label-size-choice")).to_have_value("a4")

    # -- the queue: tick both, Labels -> the job's progress bar -> one PDF ------------------------
    page.goto("/orders")
    for order_id in (first, second):
        page.locator(f"input[name=order_id][value='{order_id}']").check()
    page.locator("#bulk-form").get_by_role("button", name="Labels", exact=True).click()
    page.wait_for_url(re.compile(r"/fulfillment/labels/jobs/\d+$"))
    download = page.locator("#labels-download")
    expect(download).to_be_visible(timeout=30_000)
    # the paper chosen above is A4: both labels share one sheet
    expect(page.locator(".label-job")).to_contain_text("1 page")
    tablet.shot("labels-job-done")
    merged = page.request.get(download.get_attribute("href"))
    assert merged.ok and merged.body().startswith(b"%PDF")


def test_the_documents_fit_a_phone(phone, seller):
    phone = own_shots(phone, "labels")
    page = phone.page
    sign_up(page, seller)
    page.goto("/fulfillment/")
    expect(page.get_by_role("link", name="Manifest (PDF)")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the warehouse page is {width}px wide on a 390px phone"
    phone.shot("warehouse")
