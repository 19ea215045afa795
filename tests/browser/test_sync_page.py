"""Issue 5, in a real browser: connect a Shopee shop of its own through the mounted sandbox, then
on the Sync page press "Import listings" and watch the live progress bar reach 100 %."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.flows import connect_new_shopee_shop, sign_up

pytestmark = pytest.mark.browser


def test_a_listing_import_streams_its_progress_to_100(desktop, seller, live_url):
    name = f"Toko Sinkron {uuid.uuid4().hex[:6]}"
    screen = desktop
    screen.name = f"sync-{screen.name}"
    page = screen.page
    sign_up(page, seller)
    # A shop only this test uses (the demo shops belong to the connect-stores test).
    _shop_id, store_id = connect_new_shopee_shop(page, live_url, name, products=40)

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
