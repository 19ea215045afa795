"""Settings -> Billing on a phone and the warehouse tablet: the plan table fits the screen (on a
phone each plan becomes a block), and its limits are named in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_the_billing_page_fits(device, request, seller):
    screen = own_shots(request.getfixturevalue(device), "billing")
    page = screen.page
    sign_up(page, seller)
    page.goto("/settings/billing")
    expect(page.locator("h1")).to_have_text("Plan and billing")
    plans = page.locator("#billing-plans table")
    expect(plans).to_contain_text("Choose and pay")
    expect(plans.locator("tbody tr").first).to_contain_text("Current")
    width = page.evaluate("window.innerWidth")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
    inner = page.evaluate("(() => { const w = document.querySelector('#billing-plans .table-wrap');"
                          " return w.scrollWidth - w.clientWidth; })()")
    assert inner <= 1, f"the plan table scrolls sideways by {inner}px"
    for button in plans.locator("button").all():
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    screen.shot("plans")
