"""Outbound webhooks in a real browser, on a phone and the tablet: add an endpoint pointing at a
receiver on loopback (the demo allows it), read its secret once, send a test event, and read the
delivery log (the worker in the served app delivers it, signed; the receiver checks the signature)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.browser


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_create_an_endpoint_and_read_its_delivery_log(device, request, seller):
    receiver = Receiver().start()
    try:
        screen = own_shots(request.getfixturevalue(device), "webhooks")
        page = screen.page
        sign_up(page, seller)
        page.goto("/settings/")
        page.get_by_role("link", name="Webhooks").click()
        expect(page.locator("h1")).to_have_text("Webhooks")
        expect(page.locator("#webhook-endpoints")).to_contain_text("No webhook endpoints yet.")

        # no event ticked: refused with the reason, what was typed kept
        page.fill("#f-url", receiver.url)
        page.click("#webhook-endpoint-form button.primary")
        expect(page.locator("#e-events")).to_contain_text("Choose at least one event to send.")
        expect(page.locator("#f-url")).to_have_value(receiver.url)
        assert_no_page_overflow(page)
        screen.shot("refused")

        page.fill("#f-description", "Spreadsheet bot")
        page.check("input[name=events][value='order.created']")
        page.check("input[name=events][value='shipment.updated']")
        page.click("#webhook-endpoint-form button.primary")
        expect(page.locator("#webhook-secret")).to_contain_text("whsec_")
        receiver.secret = page.locator("[data-secret]").inner_text().strip()
        assert_no_page_overflow(page)
        screen.shot("added-secret-once")

        page.goto("/settings/webhooks/")
        expect(page.locator("#webhook-endpoints")).to_contain_text("Spreadsheet bot")
        page.locator("#webhook-endpoints a").first.click()
        assert receiver.secret not in page.content()  # shown once; revealed only on demand
        page.get_by_role("button", name="Send a test event").click()
        expect(page.locator("#flash")).to_contain_text("Test event queued")
        assert receiver.arrived.wait(timeout=20), "the test event never reached the receiver"
        log = page.locator("#webhook-log")
        expect(log).to_contain_text("Delivered", timeout=15_000)  # the log refreshes while it waits
        expect(log.locator("td.response")).to_contain_text("200")
        assert receiver.received and receiver.received[0].verified
        assert_no_page_overflow(page)
        screen.shot("delivery-log")

        page.get_by_role("button", name="Reveal secret").click()
        expect(page.locator("#secret-slot [data-secret]")).to_have_text(receiver.secret)
        log.locator("a").first.click()
        expect(page.locator("h1")).to_have_text("Webhook delivery")
        expect(page.locator("body")).to_contain_text("webhook.ping")
        assert_no_page_overflow(page)
        screen.shot("delivery-detail")
    finally:
        receiver.stop()
