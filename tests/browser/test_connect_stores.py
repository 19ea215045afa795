"""Issue 3, in a real browser on a desktop: connect Shopee and TikTok Shop in the demo and see both
healthy. Connect sends the seller to the marketplace sandbox mounted in the same server under
/sandbox; approving there brings them back to the app with the store connected. A health check on
each store then answers, and both cards read "Connected" with no error.

The sandbox seeds one demo shop per platform in the server process, and a shop connected in one
organisation is refused to another: this is the one browser test that connects them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser

DEMO_SHOPS = {"Shopee": "Toko Demo Official Shop", "TikTok Shop": "Toko Demo TikTok Shop"}
CONSENT_PAGES = {"Shopee": "/sandbox/shopee/", "TikTok Shop": "/sandbox/tiktok-services/open/authorize"}


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def connect(screen, platform: str, step: str) -> int:
    """Press Connect <platform> on /stores, approve the demo shop on the sandbox's consent page, and
    return the id of the store the app comes back to."""
    page = screen.page
    page.goto("/stores")
    page.get_by_role("button", name=f"Connect {platform}", exact=True).click()
    page.wait_for_url(re.compile(re.escape(CONSENT_PAGES[platform])))
    expect(page.locator("h1")).to_contain_text("Authorize StoreSync")
    shop = page.locator("li", has_text=DEMO_SHOPS[platform])
    expect(shop).to_have_count(1)
    authorize = shop.get_by_role("link", name="Authorize")
    expect(authorize).to_have_attribute("href", re.compile(r"/stores/callback\?.*code="))
    screen.shot(f"{step}-consent")
    authorize.click()

    page.wait_for_url(re.compile(r"/stores/\d+$"))
    store_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("#flash")).to_contain_text(f"{DEMO_SHOPS[platform]} is connected.")
    card = page.locator(f"#store-{store_id}")
    expect(card.locator(".store-name")).to_have_text(DEMO_SHOPS[platform])
    expect(card.locator(".badge")).to_have_text(platform)
    expect(card.locator(".status")).to_have_text("Connected")
    expect(card.locator(".store-error")).to_have_count(0)
    assert_no_page_overflow(page)
    screen.shot(f"{step}-connected")
    return store_id


def check_health(screen, store_id: int, name: str, step: str) -> None:
    page = screen.page
    page.goto(f"/stores/{store_id}")
    card = page.locator(f"#store-{store_id}")
    card.get_by_role("button", name="Check connection").click()
    expect(page.locator("#flash")).to_contain_text(f"{name} answered: the connection works.")
    expect(page.locator("#flash .flash-error")).to_have_count(0)
    card = page.locator(f"#store-{store_id}")
    expect(card.locator(".status")).to_have_text("Connected")
    expect(card.locator(".store-error")).to_have_count(0)
    screen.shot(f"{step}-healthy")


def test_seller_connects_shopee_and_tiktok_in_the_demo_and_both_are_healthy(desktop, seller):
    screen = own_shots(desktop, "stores")
    page = screen.page
    sign_up(page, seller)

    # -- no store yet: one Connect button per marketplace --------------------------------------
    page.goto("/stores")
    expect(page.locator("#main h1")).to_have_text("Stores")
    expect(page.locator("#store-list")).to_contain_text("No store is connected yet.")
    for platform in DEMO_SHOPS:
        expect(page.get_by_role("button", name=f"Connect {platform}", exact=True)).to_be_visible()
    expect(page.locator(".sidebar .side-nav a.active")).to_contain_text("Stores")
    assert_no_page_overflow(page)
    screen.shot("stores-empty")

    # -- each marketplace: consent page in the sandbox, approve, back in the app -----------------
    shopee = connect(screen, "Shopee", "shopee")
    tiktok = connect(screen, "TikTok Shop", "tiktok")
    assert shopee != tiktok

    page.goto("/stores")
    cards = page.locator("#store-list .store-card")
    expect(cards).to_have_count(2)
    for store_id, platform in ((shopee, "Shopee"), (tiktok, "TikTok Shop")):
        card = page.locator(f"#store-list #store-{store_id}")
        expect(card.locator(".badge")).to_have_text(platform)
        expect(card.locator(".store-name")).to_have_text(DEMO_SHOPS[platform])
    screen.shot("stores-both")

    # -- a health check on each: the marketplace answers ----------------------------------------
    check_health(screen, shopee, DEMO_SHOPS["Shopee"], "shopee")
    check_health(screen, tiktok, DEMO_SHOPS["TikTok Shop"], "tiktok")

    page.goto("/stores")
    expect(cards).to_have_count(2)
    for store_id in (shopee, tiktok):
        card = page.locator(f"#store-list #store-{store_id}")
        expect(card.locator(".status")).to_have_text("Connected")
        expect(card.locator(".status")).to_have_class(re.compile(r"\bstatus-store-active\b"))
        expect(card.locator(".store-error")).to_have_count(0)
        expect(card.get_by_role("button", name="Check connection")).to_be_visible()
    expect(page.locator("#flash .flash-error")).to_have_count(0)
    assert_no_page_overflow(page)
    screen.shot("stores-healthy")
