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
