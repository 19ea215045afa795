"""Steps several browser tests share: signing a new seller up, and naming a test's screenshots."""

from __future__ import annotations

import re

from playwright.sync_api import Page


def sign_up(page: Page, seller) -> None:
    page.goto("/signup")
    page.fill("#f-name", seller.name)
    page.fill("#f-organization_name", seller.organization)
    page.fill("#f-email", seller.email)
    page.fill("#f-password", seller.password)
    page.click("#signup-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def own_shots(screen, prefix: str):
    """Name a test's screenshots <prefix>-<viewport>-NN-step.png and clear its old ones: the
    foundation flow's fixtures clear <viewport>-*.png when they open, so these are left alone."""
    screen.name = f"{prefix}-{screen.name}"
    for old in screen.directory.glob(f"{screen.name}-*.png"):
        old.unlink()
    return screen


def connect_new_shopee_shop(page: Page, live_url: str, name: str, products: int) -> tuple[int, int]:
    """Make a sandbox Shopee shop of `products` products only this test uses, connect it through the
    real OAuth screens as the signed-in seller, and return (sandbox shop id, store id)."""
    import httpx

    from app.settings import get_settings

    settings = get_settings()
    created = httpx.post(f"{live_url}/sandbox/_control/shops", json={
        "platform": "shopee", "partner_id": int(settings.shopee_partner_id),
        "partner_key": settings.shopee_partner_key, "name": name, "products": products})
    assert created.status_code == 201, created.text
    shop_id = created.json()["shop_id"]
    page.goto("/stores")
    page.get_by_role("button", name="Connect Shopee", exact=True).click()
    page.wait_for_url(re.compile(r"/sandbox/shopee/"))
    page.locator(f'[data-shop-id="{shop_id}"]').click()
    page.wait_for_url(re.compile(r"/stores/\d+"))
    return shop_id, int(re.search(r"/stores/(\d+)", page.url).group(1))
