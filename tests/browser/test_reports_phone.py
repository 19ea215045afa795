"""Reading the profit and loss on a phone (390x844): a cost typed into the expense form shows in
the P&L, the filter form and the report table fit the screen (the wide tables scroll inside
their card, never the page), and the sales chart is drawn."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up

pytestmark = pytest.mark.browser


def test_reading_the_profit_and_loss_on_a_phone(phone, request, seller):
    screen = own_shots(phone, "reports")
    page = screen.page
    sign_up(page, seller)

    page.goto("/reports/expenses")
    page.select_option("#ex-kind", "ads")
    page.fill("#ex-amount", "Rp 250.000")
    page.fill("#ex-note", "Iklan Shopee minggu ini")
    page.click("#expenses form button.primary")
    expect(page.locator("#flash")).to_contain_text("Expense saved.")
    expect(page.locator("#expenses")).to_contain_text("Iklan Shopee minggu ini")
    screen.shot("expense-saved")

    page.goto("/reports/pnl")
    expect(page.locator("h2").first).to_contain_text("Profit and loss")
    table = page.locator("#report table.report-table")
    expect(table).to_contain_text("Advertising")
    expect(table).to_contain_text("-Rp 250.000")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    screen.shot("pnl")

    # the filter as a person uses it: a channel chosen, dates left as they are
    page.select_option("#rf-channel", "shopee")
    page.click("#report-filters button")
    page.wait_for_url(re.compile(r"channel=shopee"))
    expect(page.locator("#rf-channel")).to_have_value("shopee")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1

    # in Indonesian the P&L's longest line ("Pengembalian dana dan penyesuaian") pushed the amounts
    # out of the card: a two-column table needs no sideways scrolling
    page.goto("/account")
    page.locator(".language button[value=id]").first.click()
    page.wait_for_load_state()
    page.goto("/reports/pnl")
    expect(page.locator("#report table.report-table")).to_contain_text("Pengembalian dana dan penyesuaian")
    hidden = page.evaluate("(() => { const w = document.querySelector('#report .table-scroll');"
                           " return w.scrollWidth - w.clientWidth; })()")
    assert hidden <= 1, f"the P&L hides {hidden}px of its amounts off to the side"
    screen.shot("pnl-id")
    # two pickers side by side cut "Semua kanal" to "Semua kana": each chosen word fits its box
    for picker in ("#rf-store", "#rf-channel"):
        room = page.evaluate("""(s) => { const el = document.querySelector(s); const cs = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d'); ctx.font = cs.font;
            const text = ctx.measureText(el.options[el.selectedIndex].text).width;
            // Chromium draws its arrow (about 20px) inside the padding box, besides the padding
            return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 24 - text; }""", picker)
        assert room >= 0, f"{picker} cuts its chosen option by {-room:.0f}px"

    page.goto("/reports/skus")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    screen.shot("skus")
    page.goto("/reports/daily")
    expect(page.locator("#report svg.chart")).to_be_visible()
    screen.shot("daily")
