"""Settings -> API keys in a real browser on a phone (390×844) and the tablet: a refused form keeps
what was typed, a made key's secret is shown once (gone on the next visit), works against the REST
API, and the page fits the screen."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_make_an_api_key_and_see_its_secret_once(device, request, seller, live_url):
    screen = own_shots(request.getfixturevalue(device), "api-keys")
    page = screen.page
    sign_up(page, seller)

    page.goto("/settings")
    page.click("a[href='/settings/api/']")
    expect(page.locator("h1")).to_have_text("API keys")
    assert_no_page_overflow(page)
    screen.shot("empty")

    # no access ticked: refused in place, the name kept
    page.fill("#f-name", "Akuntansi")
    page.click("#api-key-form button.primary")
    expect(page.locator("#api-key-form")).to_contain_text("Choose at least one kind of access.")
    expect(page.locator("#f-name")).to_have_value("Akuntansi")
    screen.shot("refused")

    page.check("input[value='orders:read']")
    page.check("input[value='inventory:write']")
    page.click("#api-key-form button.primary")
    secret_box = page.locator("#api-secret")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    assert re.fullmatch(r"ssk_[0-9a-f]{10}_[A-Za-z0-9_-]{20,}", secret)
    expect(page.locator(".api-keys")).to_contain_text("Akuntansi")
    assert_no_page_overflow(page)
    screen.shot("secret-shown")

    with httpx.Client(base_url=live_url) as api:
        assert api.get("/api/v1/orders", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    page.goto("/settings/api/")
    expect(page.locator(".api-keys")).to_contain_text(secret[:15])  # the prefix stays visible
    assert secret not in page.content()
    expect(page.locator("#api-secret")).to_have_count(0)
    screen.shot("secret-gone")
