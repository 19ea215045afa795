"""Browser tests: a real `storesync serve --with-worker` process and headless Chromium.

They run in their own pytest process (`pytest -m browser tests/browser`): Playwright's sync API
cannot run while an asyncio loop is running, and the rest of the suite is async. The root
conftest's session fixture `database` still migrates the run's fresh database first; the server
subprocess inherits that database, the run's Redis and its queue name (settings.child_env()).

Screenshots go to test-output/browser/ (git-ignored), one per key step, named
<viewport>-<nn>-<step>.png so that a directory listing reads as the story of the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.live import serving
from tests.support import unique

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "browser"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PASSWORD = "kopi-susu-2024"

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1},
}


@pytest.fixture(scope="session")
def live_url(database) -> Iterator[str]:
    """The session's server (mail off: the foundation flow reads the invitation link on screen)."""
    with serving(SHOTS / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@dataclass
class Screen:
    """A page on one viewport that knows where to save its screenshots."""

    page: object
    name: str
    directory: Path
    taken: list[Path] = field(default_factory=list)

    def shot(self, step: str, *, full_page: bool = True) -> Path:
        path = self.directory / f"{self.name}-{len(self.taken) + 1:02d}-{step}.png"
        # A full-page capture keeps the layout viewport, so the fixed tab bar would be drawn where
        # the first screen ends, over the content: put it at the foot of the page instead.
        style = None
        if full_page and self.page.locator(".tabbar").is_visible():
            style = (".tabbar { position: static !important; }"
                     " body.with-nav { display: flex; flex-direction: column; min-height: 100vh; }"
                     " body.with-nav .content { flex: 1 0 auto; width: 100%; padding-bottom: 16px; }")
        # Playwright's `style=` adds a <style> element, which the Content-Security-Policy refuses;
        # a constructed style sheet is not subject to it.
        if style:
            self.page.evaluate("""css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);
                                           document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
                                           window.__shotSheet = sheet; }""", style)
        self.page.screenshot(path=str(path), full_page=full_page)
        if style:
            self.page.evaluate("""() => { document.adoptedStyleSheets = document.adoptedStyleSheets
                                           .filter(s => s !== window.__shotSheet); }""")
        self.taken.append(path)
        return path


def _open(browser, live_url: str, shots_dir: Path, name: str) -> Iterator[Screen]:
    for old in shots_dir.glob(f"{name}-*.png"):
        old.unlink()
    context = browser.new_context(base_url=live_url, locale="en-US", **VIEWPORTS[name])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A 4xx answer to a form (422 on a wrong password) is logged by Chromium as "Failed to load
    # resource"; that is the app working, not a script error.
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
    try:
        yield Screen(page, name, shots_dir)
    finally:
        context.close()
    assert not errors, f"JavaScript errors on {name}: {errors}"


@pytest.fixture
def phone(browser, live_url, shots_dir):
    yield from _open(browser, live_url, shots_dir, "phone")


@pytest.fixture
def tablet(browser, live_url, shots_dir):
    yield from _open(browser, live_url, shots_dir, "tablet")


@pytest.fixture
def desktop(browser, live_url, shots_dir):
    yield from _open(browser, live_url, shots_dir, "desktop")


@pytest.fixture
def another_phone(browser, live_url):
    """A second person's phone (its own cookies), for invitees and the like."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_url, locale="en-US", **VIEWPORTS["phone"])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@dataclass
class NewSeller:
    name: str
    organization: str
    email: str
    password: str = PASSWORD


@pytest.fixture
def seller() -> NewSeller:
    tag = unique("")
    return NewSeller(name="Siti Rahma", organization=f"Toko Batik {tag[:6]}", email=f"siti.{tag}@example.id")
