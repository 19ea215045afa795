"""Issue 5, in a real browser: connect a Shopee shop of its own through the mounted sandbox, then
on the Sync page press "Import listings" and watch the live progress bar reach 100 %."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.flows import sign_up

pytestmark = pytest.mark.browser


def test_a_listing_import_streams_its_progress_to_100(desktop, seller, live_url):
    from app.settings import get_settings

    settings = get_settings()
    name = f"Toko Sinkron {uuid.uuid4().hex[:6]}"
    # A shop only this test uses (the demo shops belong to the connect-stores test).
    created = httpx.post(f"{live_url}/sandbox/_control/shops", json={
        "platform": "shopee", "partner_id": int(settings.shopee_partner_id),
        "partner_key": settings.shopee_partner_key, "name": name, "products": 40})
    assert created.status_code == 201, created.text
    shop_id = created.json()["shop_id"]

    screen = desktop
    screen.name = f"sync-{screen.name}"
    page = screen.page
    sign_up(page, seller)
    page.goto("/stores")
    page.get_by_role("button", name="Connect Shopee", exact=True).click()
    page.wait_for_url(re.compile(r"/sandbox/shopee/"))
    page.locator(f'[data-shop-id="{shop_id}"]').click()
    page.wait_for_url(re.compile(r"/stores/\d+"))
    store_id = int(re.search(r"/stores/(\d+)", page.url).group(1))

    page.goto("/sync")
    expect(page.locator(".store-card", has_text=name)).to_be_visible()
    screen.shot("01-sync")
    page.click(f"#sync-import-{store_id}")
    bar = page.locator("#job-live .progress-wrap")
    expect(bar).to_be_visible()
    finished = page.locator('#job-live .progress-wrap[data-status="complete"], #job-live .progress-wrap[data-status="failed"]')
    expect(finished).to_be_visible(timeout=120_000)
    screen.shot("02-finished")
    assert bar.get_attribute("data-status") == "complete", page.locator("#job-live").inner_text()
    expect(page.locator("#job-live .progress-wrap")).to_have_attribute("data-percent", "100")
    screen.shot("02-imported")
    page.goto(f"/sync/stores/{store_id}/listings")
    expect(page.locator("#listing-list li.listing-row").first).to_be_visible()
    screen.shot("03-listings")
