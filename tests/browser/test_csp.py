"""Under the Content-Security-Policy the main pages work and Chromium reports no violation:
full loads, hx-boost navigation, a live job over server-sent events (its list refreshing when
the stream ends) and the request indicator CSS that htmx would otherwise inject."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up
from tests.support import spawn, stop, unique

pytestmark = pytest.mark.browser

MAIN_PAGES = ["/", "/orders", "/fulfillment", "/customers", "/notifications", "/stores", "/products",
              "/products/new", "/catalog/import", "/inventory", "/sync", "/jobs", "/members", "/audit",
              "/settings", "/account/"]
# Reports a violation even when Chromium's console message changes wording.
REPORT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


def test_main_pages_run_under_the_policy_without_violations(desktop, seller):
    screen = own_shots(desktop, "csp")
    page = screen.page
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(REPORT_VIOLATIONS)
    sign_up(page, seller)

    for path in MAIN_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))

    # hx-boost navigation swaps the body; htmx must not need eval or its own <style>
    page.goto("/")
    page.click("aside.sidebar a[href='/products']")
    page.wait_for_url(re.compile(r"/products$"))
    expect(page.locator("head style")).to_have_count(0)
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("getComputedStyle(document.createElement('div')).opacity") is not None

    # a live job: the SSE extension streams the bar, the list refreshes when the stream ends
    page.goto("/jobs")
    page.click("#start-demo-job")
    live = page.locator("#job-live .progress-wrap")
    expect(live).to_have_attribute("data-percent", "100", timeout=30_000)
    fill = page.locator("#job-live .progress-fill")
    assert fill.evaluate("el => el.getBoundingClientRect().width") > 0, "the bar's width comes from the CSS classes"
    expect(page.locator("#job-list li").first.locator(".status")).to_have_class(re.compile(r"\bstatus-complete\b"),
                                                                                timeout=10_000)
    screen.shot("job-complete")
    assert page.evaluate("window.__csp") == []
    assert console == [], console


def test_the_admin_vue_app_runs_under_its_own_policy(browser, live_url, shots_dir):
    """piccolo-admin's prebuilt Vue app starts, lists the tables and opens one, and reports no
    violation. Its own console errors are not ours to judge here."""
    email, password = f"{unique('root')}@storesync.id", "admin-pass-2024"
    proc = spawn(["createsuperuser", "--email", email, "--password", password])
    assert proc.wait(timeout=60) == 0, stop(proc)
    stop(proc)
    context = browser.new_context(base_url=live_url, locale="en-US", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.add_init_script(REPORT_VIOLATIONS)
        page.goto("/login")
        page.fill("#f-email", email)
        page.fill("#f-password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        response = page.goto("/admin/")
        assert response is not None and response.status == 200
        assert "'unsafe-eval'" in response.headers["content-security-policy"]
        # the Vue app renders: the table list (the mount signs the superuser in to piccolo-admin)
        tables = page.locator("a[href='#/organization/']").first
        expect(tables).to_be_visible(timeout=15_000)
        page.screenshot(path=str(shots_dir / "csp-admin-desktop-01-admin.png"))
        tables.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(shots_dir / "csp-admin-desktop-02-admin-table.png"))
        assert page.evaluate("window.__csp") == []
        assert console == [], console
    finally:
        context.close()
