"""The first hour of a new seller, in a real browser: after importing a shop's listings, tick two
in the unmapped queue and press "Create products": both are mapped, with the marketplace's
quantity as opening stock."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.flows import connect_new_shopee_shop, own_shots, sign_up

pytestmark = pytest.mark.browser


def imported_store(screen, seller, live_url) -> int:
    """Sign up, connect a new sandbox Shopee shop of 3 products and import its listings."""
    page = screen.page
    sign_up(page, seller)
    _shop_id, store_id = connect_new_shopee_shop(page, live_url, f"Toko Antrian {uuid.uuid4().hex[:6]}", products=3)
    page.goto("/sync")
    page.click(f"#sync-import-{store_id}")
    finished = page.locator('#job-live .progress-wrap[data-status="complete"], #job-live .progress-wrap[data-status="failed"]')
    expect(finished).to_be_visible(timeout=120_000)
    return store_id


def test_ticked_listings_become_products_in_one_press(desktop, seller, live_url):
    screen = own_shots(desktop, "unmapped")
    page = screen.page
    store_id = imported_store(screen, seller, live_url)

    page.goto(f"/sync/stores/{store_id}/listings?status=unmapped")
    boxes = page.locator('#listing-list input[name="listing_id"]')
    expect(boxes.first).to_be_visible()
    before = boxes.count()
    assert before >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    screen.shot("01-ticked")
    page.get_by_role("button", name="Create products", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("2 listings done")
    expect(page.locator('#listing-list input[name="listing_id"]')).to_have_count(before - 2)
    screen.shot("02-created")


def test_the_unmapped_queue_fits_its_card_on_a_phone(phone, seller, live_url):
    """Each listing's SKU field with Map, and opening stock with Create product, stay inside the
    card on a 390 px phone (the forms used to push their buttons 10 px past its edge)."""
    screen = own_shots(phone, "unmapped-phone")
    page = screen.page
    store_id = imported_store(screen, seller, live_url)
    page.goto("/account")
    page.locator(".language button[value=id]").first.click()  # Indonesian: the longer labels
    page.wait_for_load_state()
    page.goto(f"/sync/stores/{store_id}/listings?status=unmapped")
    expect(page.locator("#listing-list .listing-row").first).to_be_visible()
    screen.shot("01-queue")
    poking_out = page.evaluate("""() => {
        const card = document.querySelector('#listing-list').closest('.card').getBoundingClientRect();
        return [...document.querySelectorAll('#listing-list .listing-row *')]
            .filter(el => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > card.right + 0.5)
            .map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 20));
    }""")
    assert not poking_out, f"past the card's edge: {poking_out[:5]}"
