"""The foundation as a seller meets it, in a real browser: sign up on a phone, log out and back in,
switch to Bahasa Indonesia, invite a member, watch a job's live progress; then the same back
office on a tablet and a desktop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import sign_up

pytestmark = pytest.mark.browser

TAP = 44  # px: the smallest comfortable touch target


def log_in(page: Page, email: str, password: str) -> None:
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("#login-form button[type=submit]")


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on screen"
    return found


def go_to(page: Page, path: str) -> None:
    """Open a section the way a phone user would: its tab if the tab bar has one, else by address."""
    tab = page.locator(f".tabbar a[href='{path}']")
    if tab.count():
        tab.click()
    else:
        page.goto(path)
    page.wait_for_url(re.compile(rf"{re.escape(path)}/?$"))


def assert_tap_targets(page: Page, selector: str) -> None:
    """Every visible element matching selector is at least TAP px high."""
    for i in range(page.locator(selector).count()):
        item = page.locator(selector).nth(i)
        if item.is_visible():
            height = item.bounding_box()["height"]
            assert height >= TAP - 0.5, f"{selector} #{i} is {height:.0f}px high, below {TAP}px"


def assert_nothing_hidden_under_tabbar(page: Page) -> None:
    """Scrolled to the very bottom, the page's last content ends above the fixed tab bar."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(50)
    bottom = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('#main > *')]
             .filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().bottom))"""
    )
    tabbar_top = box(page, ".tabbar")["y"]
    assert bottom <= tabbar_top, f"content ends at {bottom}px but the tab bar starts at {tabbar_top}px"
    page.evaluate("window.scrollTo(0, 0)")


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_seller_signs_up_on_a_phone_and_runs_a_job_in_indonesian(phone, seller, another_phone, live_url):
    page = phone.page

    # -- sign up ---------------------------------------------------------------------------
    page.goto("/signup")
    expect(page.locator("h1")).to_have_text("Create your account")
    assert_no_sideways_scroll(page)
    phone.shot("signup")
    sign_up(page, seller)

    expect(page.locator("#main h1")).to_have_text(seller.organization)
    expect(page.locator("#flash")).to_contain_text("Welcome to StoreSync!")
    expect(page.locator(".tabbar")).to_be_visible()
    expect(page.locator(".sidebar")).to_be_hidden()
    tabs = page.locator(".tabbar a")
    assert 3 <= tabs.count() <= 5, "a phone's tab bar holds three to five sections"
    expect(tabs.first).to_have_text("Dashboard")
    expect(tabs.first).to_have_class(re.compile(r"\bactive\b"))
    expect(tabs.last).to_have_text("Settings")
    for i in range(tabs.count()):  # no label cut short
        assert tabs.nth(i).evaluate("a => [...a.querySelectorAll('span')].every(s => s.scrollWidth <= s.clientWidth)")
    assert_tap_targets(page, ".tabbar a")
    assert_nothing_hidden_under_tabbar(page)
    assert_no_sideways_scroll(page)
    phone.shot("dashboard")

    # -- log out (the phone reaches it through the account page) -----------------------------
    page.click(".topbar .avatar")
    page.wait_for_url(re.compile(r"/account/?$"))
    assert_nothing_hidden_under_tabbar(page)
    phone.shot("account")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    expect(page.locator(".tabbar")).to_have_count(0)

    # -- a wrong password, then the right one -----------------------------------------------
    log_in(page, seller.email, "not-my-password")
    expect(page.locator("#login-form .flash-error")).to_have_text("Wrong e-mail or password.")
    expect(page.locator("#f-email")).to_have_value(seller.email)
    expect(page.locator("#f-password")).to_have_value("")
    assert_tap_targets(page, "#login-form input, #login-form button")
    phone.shot("login-wrong-password")

    log_in(page, seller.email, seller.password)
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#main h1")).to_have_text(seller.organization)

    # -- Bahasa Indonesia ---------------------------------------------------------------------
    page.click(".topbar .avatar")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    page.wait_for_url(re.compile(r"/account/?$"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator(".tabbar a").first).to_have_text("Dasbor")
    expect(page.locator(".tabbar a").last).to_have_text("Pengaturan")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    phone.shot("account-indonesian")

    # -- invite a member; with no mail server the link is shown on screen --------------------
    go_to(page, "/members")
    expect(page.locator("#main h1")).to_have_text("Anggota")
    expect(page.locator(".members li")).to_have_count(1)
    assert_no_sideways_scroll(page)
    phone.shot("members")

    invitee = f"rina.{seller.email.split('@')[0].split('.')[-1]}@example.id"
    page.fill("#invite-form #f-email", invitee)
    page.select_option("#invite-form #f-role", "admin")
    page.click("#invite-form button")
    link = page.locator("#members input.copy")
    expect(link).to_have_value(re.compile(rf"^{re.escape(live_url)}/invitations/[\w-]{{20,}}$"))
    expect(page.locator("#members")).to_contain_text("Tautan undangan (berlaku 7 hari):")
    expect(page.locator("#members")).to_contain_text(invitee)
    expect(page.locator("#flash")).to_contain_text(f"Bagikan tautan di bawah ini kepada {invitee}")
    assert_tap_targets(page, "#members button, #members select, #members input")
    assert_nothing_hidden_under_tabbar(page)
    assert_no_sideways_scroll(page)
    phone.shot("members-invited")

    # the invitee opens the link on their own phone and joins
    other = another_phone()
    other.goto(link.input_value())
    expect(other.locator("h1")).to_have_text(f"Join {seller.organization}")
    other.fill("#f-name", "Rina Wati")
    other.fill("#f-password", "teh-manis-2024")
    other.click("form.stack button")
    other.wait_for_url(re.compile(r"/$"))
    expect(other.locator("#main h1")).to_have_text(seller.organization)

    # the owner now manages two members: a role picker and a remove button, thumb-sized
    page.reload()
    expect(page.locator(".members li")).to_have_count(2)
    rina = page.locator(".members li", has_text="Rina Wati")
    expect(rina.locator("select[name=role]")).to_have_value("admin")
    expect(rina.get_by_role("button", name="Hapus")).to_be_visible()
    assert_tap_targets(page, ".members button, .members select")
    assert_no_sideways_scroll(page)
    phone.shot("members-two")

    # -- a job with a live progress bar, over server-sent events -------------------------------
    go_to(page, "/jobs")
    start = page.locator("#start-demo-job")
    expect(start).to_have_text("Jalankan tugas demo")
    assert box(page, "#start-demo-job")["height"] >= TAP
    phone.shot("jobs")
    start.click()

    live = page.locator("#job-live .progress-wrap")
    expect(live).to_be_visible()
    expect(page.locator("#job-list li a[href^='/jobs/']")).to_have_count(1)  # listed at once
    page.wait_for_function(  # caught between the first and the last step: it is live, not a reload
        """() => { const w = document.querySelector('#job-live .progress-wrap');
                   return w && +w.dataset.percent > 0 && +w.dataset.percent < 100; }""",
        polling="raf", timeout=20_000,
    )
    phone.shot("job-running", full_page=False)
    expect(live).to_have_attribute("data-percent", "100", timeout=30_000)
    expect(live).to_have_attribute("data-status", "complete")
    expect(page.locator("#job-live .percent")).to_have_text("100 %")
    assert page.url.rstrip("/").endswith("/jobs"), "the page must not have navigated away"
    # the job list below refreshes itself (when the stream ends, then while a job is unfinished)
    expect(page.locator("#job-list li").first.locator(".status")).to_have_text("Selesai", timeout=10_000)
    assert_nothing_hidden_under_tabbar(page)
    assert_no_sideways_scroll(page)
    phone.shot("job-complete")

    # -- the pages not on the tab bar still fit a phone --------------------------------------
    page.goto("/audit")
    expect(page.locator("table.table")).to_contain_text("member.invited")
    expect(page.locator("td.change").first).not_to_contain_text('\\"')  # JSON shown once, not re-encoded
    assert_no_sideways_scroll(page)
    phone.shot("audit")
    go_to(page, "/settings")
    expect(page.locator("#f-name")).to_have_value(seller.organization)
    assert_tap_targets(page, "#settings-form input, #settings-form button, .language button")
    assert_nothing_hidden_under_tabbar(page)
    phone.shot("settings")

    # an address that does not exist is a readable page, not a server error
    missing = page.goto("/no-such-page")
    assert missing.status == 404
    expect(page.locator("#main h1")).to_be_visible()
    expect(page.locator("#main a.button[href='/']")).to_be_visible()


@pytest.mark.parametrize("screen_name", ["tablet", "desktop"])
def test_back_office_shows_the_sidebar_on_larger_screens(request, screen_name, seller):
    screen = request.getfixturevalue(screen_name)
    page = screen.page

    page.goto("/login")
    expect(page.locator(".auth")).to_be_visible()
    screen.shot("login")
    sign_up(page, seller)

    expect(page.locator("#main h1")).to_have_text(seller.organization)
    sidebar = page.locator(".sidebar")
    expect(sidebar).to_be_visible()
    expect(page.locator(".tabbar")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    for label in ("Dashboard", "Jobs", "Members", "Audit log", "Settings"):
        expect(sidebar.locator(".side-nav a", has_text=label)).to_have_count(1)
    expect(sidebar.locator(".side-nav a.active")).to_contain_text("Dashboard")
    if screen_name == "tablet":  # a touch screen: the sidebar is thumb-sized too
        assert_tap_targets(page, ".sidebar a, .sidebar button, .sidebar select")
    content = box(page, "#main")
    assert content["x"] >= box(page, ".sidebar")["width"] - 1, "the content must sit beside the sidebar"
    assert_no_sideways_scroll(page)
    screen.shot("dashboard")

    sidebar.get_by_role("link", name="Members").click()
    page.wait_for_url(re.compile(r"/members/?$"))
    expect(sidebar.locator(".side-nav a.active")).to_contain_text("Members")
    page.fill("#invite-form #f-email", f"gudang.{seller.email.split('@')[0].split('.')[-1]}@example.id")
    page.click("#invite-form button")
    expect(page.locator("#members input.copy")).to_have_value(re.compile(r"/invitations/"))
    assert_no_sideways_scroll(page)
    screen.shot("members-invited")

    sidebar.get_by_role("link", name="Jobs").click()
    page.wait_for_url(re.compile(r"/jobs/?$"))
    page.click("#start-demo-job")
    expect(page.locator("#job-live .progress-wrap")).to_have_attribute("data-percent", "100", timeout=30_000)
    screen.shot("job-complete")

    sidebar.get_by_role("link", name="Audit log").click()
    page.wait_for_url(re.compile(r"/audit/?$"))
    expect(page.locator("table.table tbody tr").first).to_be_visible()
    screen.shot("audit")

    sidebar.get_by_role("link", name="Settings").click()
    page.wait_for_url(re.compile(r"/settings/?$"))
    expect(page.locator("#f-name")).to_have_value(seller.organization)
    screen.shot("settings")
