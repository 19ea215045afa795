"""The seller's payment settings in a real browser, on a phone (390×844) and the tablet: a refused
save names the field and keeps what was typed (never the key), a good save stores the methods and
the bank account, the key is never shown again, and the payments page fits the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def assert_no_page_overflow(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("device", ["phone", "tablet"])
def test_payment_settings_save_and_keep_secrets(device, request, seller):
    screen = own_shots(request.getfixturevalue(device), "payments")
    page = screen.page
    sign_up(page, seller)

    page.goto("/settings/payments/")
    expect(page.locator("h1")).to_have_text("Payment settings")
    expect(page.locator("#f-cod_enabled")).to_be_checked()  # the defaults: COD and bank transfer
    assert_no_page_overflow(page)
    screen.shot("settings-empty")

    # Midtrans ticked without its key, and a half-filled bank row: both refused, nothing saved
    page.check("#f-midtrans_enabled")
    page.fill("#f-bank_0", "BCA")
    page.click("#payment-settings-form button.primary")
    expect(page.locator("#payment-settings-form")).to_contain_text("Enter the Midtrans server key to offer Midtrans.")
    expect(page.locator("#payment-settings-form")).to_contain_text("Fill in bank, account number and holder")
    expect(page.locator("#f-bank_0")).to_have_value("BCA")
    expect(page.locator("#f-midtrans_enabled")).to_be_checked()
    screen.shot("settings-refused")

    # completed: COD unticked (the browser then sends no cod_enabled at all), key typed, account filled
    page.uncheck("#f-cod_enabled")
    page.fill("#f-number_0", "1234567890")
    page.fill("#f-holder_0", "Toko Kopi Senja")
    page.fill("#f-midtrans_server_key", "SB-Mid-server-BROWSERSECRET")
    page.click("#payment-settings-form button.primary")
    expect(page.locator("#flash")).to_contain_text("Payment settings saved.")
    page.wait_for_url(re.compile(r"/settings/payments/$"))
    expect(page.locator("#f-cod_enabled")).not_to_be_checked()
    expect(page.locator("#f-midtrans_enabled")).to_be_checked()
    expect(page.locator("#f-midtrans_server_key")).to_have_value("")
    expect(page.locator("label[for=f-midtrans_server_key] .badge")).to_have_text("saved")
    assert "BROWSERSECRET" not in page.content()
    expect(page.locator("#f-number_0")).to_have_value("1234567890")
    assert_no_page_overflow(page)
    screen.shot("settings-saved")

    # saved again with the key left blank: still saved (blank keeps the key)
    with page.expect_navigation():
        page.click("#payment-settings-form button.primary")
    expect(page.locator("#flash")).to_contain_text("Payment settings saved.")
    expect(page.locator("label[for=f-midtrans_server_key] .badge")).to_have_text("saved")

    page.goto("/payments/")
    expect(page.locator("h1")).to_have_text("Payments")
    expect(page.locator("#payments")).to_contain_text("No payments here yet.")
    assert_no_page_overflow(page)
    screen.shot("payments-page")
