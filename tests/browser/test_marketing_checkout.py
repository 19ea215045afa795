"""Vouchers and points on a phone (390x844): the seller makes a voucher and switches points on; a
buyer whose first order was completed (and earned points) applies the voucher, confirms the points
are theirs with the code mailed to the address of that first order, spends them at the checkout,
sees the discount before placing the order, and the status page shows what is left.

This module runs its own server with SMTP pointed at a collector here (the session's server has
mail off: the foundation flow reads the invitation link on screen)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from tests.browser.flows import own_shots, sign_up
from tests.browser.live import serving
from tests.support import free_port

pytestmark = pytest.mark.browser
BUYER_EMAIL = "rina.marlina@contoh.id"


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback collecting what the server's mail job sends."""

    def __init__(self) -> None:
        self.messages: list = []
        self.port = free_port()
        self.arrived = threading.Condition()

    def handle(self, message) -> None:
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def wait_for(self, to: str, subject: str, timeout: float = 30) -> str:
        """The text of the first mail to `to` whose subject holds `subject`, waiting for it to arrive."""
        def found():
            return next((m for m in self.messages if m["To"] == to and subject in str(m["Subject"])), None)

        with self.arrived:
            assert self.arrived.wait_for(found, timeout), f"no mail to {to} about {subject!r}"
            return found().get_payload(decode=True).decode()


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    box = Mailbox()

    class Collect(Message):
        def handle_message(self, message):
            box.handle(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def live_url(database, mailbox) -> Iterator[str]:
    """This module's own server (with its worker), mailing through the collector. Its own queue: the
    session's server (mail off) would otherwise take its mail jobs and leave them to a later sweep."""
    from app.settings import get_settings

    with serving(SMTP_HOST="127.0.0.1", SMTP_PORT=str(mailbox.port),
                 QUEUE_NAME=f"{get_settings().queue_name}-mail") as url:
        yield url


def _complete_orders_and_settle(organization: str) -> None:
    """What the worker's cron does a minute later: the first order is delivered and completed, its points earned."""
    from app.core.tenancy import Tenant
    from app.domains.accounts.tables import Organization
    from app.domains.marketing import settle_points
    from app.domains.orders import transition
    from app.domains.orders.tables import Order

    async def run() -> None:
        org = await Organization.select(Organization.id).where(Organization.name == organization).first()
        tenant = Tenant(org["id"])
        for order in await Order.select(Order.id).where(Order.organization == org["id"]):
            for state in ("shipped", "delivered", "completed"):
                await transition(tenant, order["id"], state)
        await settle_points()

    # Playwright's sync API keeps an event loop in this thread: the services run in a thread (and a
    # loop) of their own, on fresh connections (PostgreSQL's pool belongs to the session's loop)
    from app.core.database import engine

    db = engine()
    pooled = getattr(db, "pool", None)
    if pooled is not None:
        db.pool = None
    try:
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, run()).result()
    finally:
        if pooled is not None:
            db.pool = pooled


def _checkout_address(buyer, email: str = "") -> None:
    buyer.fill("input[name=name]", "Rina Marlina")
    buyer.fill("input[name=phone]", "0813 2222 4444")
    buyer.fill("input[name=email]", email)
    buyer.fill("textarea[name=line]", "Jl. Dago 45 RT 02/RW 05")
    buyer.select_option("select[name=province]", label="Jawa Barat")
    expect(buyer.locator("select[name=regency] option")).to_contain_text(["Kota Bandung"])
    buyer.select_option("select[name=regency]", label="Kota Bandung")
    expect(buyer.locator("select[name=district]")).to_be_enabled()
    buyer.select_option("select[name=district]", index=1)
    expect(buyer.locator("select[name=village]")).to_be_enabled()
    buyer.select_option("select[name=village]", index=1)
    expect(buyer.locator("input[name=postal_code]")).to_have_value(re.compile(r"^40\d{3}$"))


def _add_to_cart(buyer, slug: str) -> None:
    buyer.goto(f"/shop/{slug}/")
    buyer.locator(".card").first.click()
    buyer.get_by_role("button", name="Tambah ke keranjang").click()
    buyer.wait_for_url(re.compile(r"/cart$"))
    buyer.get_by_role("link", name="Checkout").click()


def test_a_buyer_applies_a_voucher_and_spends_points_on_a_phone(phone, another_phone, seller, mailbox):
    phone = own_shots(phone, "marketing")
    page = phone.page
    sign_up(page, seller)
    tag = seller.email.split("@")[0][-6:].lower()
    sku, slug = f"KAOS-{tag.upper()}", f"toko-{tag}"
    page.goto("/products/new")
    page.fill("#f-name", "Kaos Katun Bandung")
    page.fill("#f-variants-0-sku", sku)
    page.fill("#f-variants-0-price", "100000")
    page.click("#product-form button[type=submit]")
    page.wait_for_url(re.compile(r"/products/\d+$"))
    page.goto("/inventory")
    adjust = page.locator("form[hx-post='/inventory/adjust']")
    adjust.locator("#f-code").fill(sku)
    adjust.locator("#f-delta").fill("5")
    adjust.locator("#f-reason").fill("stok awal")
    adjust.get_by_role("button", name="Save adjustment").click()
    expect(page.locator("#flash")).to_contain_text("now has 5 available")
    page.goto("/website/")
    page.check("input[name=enabled]")
    page.fill("#f-slug", slug)
    page.fill("#f-title", "Kaos Bandung")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#flash")).to_contain_text("Website settings saved.")
    page.locator(".website-products input[type=checkbox]").first.check()
    page.get_by_role("button", name="Show ticked on the website").click()
    expect(page.locator(".website-products")).to_contain_text("On the website")

    # -- the seller: a 10 % voucher and the points programme (1 point per Rp 1.000, worth Rp 100) --
    page.goto("/marketing/vouchers/new")
    page.fill("#f-code", "HEMAT10")
    page.check("input[name=kind][value=percent]")
    page.fill("#f-value", "10")
    phone.shot("seller-new-voucher")
    page.get_by_role("button", name="Save voucher").click()
    expect(page.locator("#flash")).to_contain_text("Voucher saved.")
    page.goto("/marketing/loyalty")
    page.check("input[name=enabled]")
    page.fill("#f-rupiah_per_point", "1000")
    page.fill("#f-point_value", "100")
    page.check("input[name=channels][value=website]")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Loyalty programme saved.")

    # -- the buyer's first order (COD, with their e-mail address), completed: 115 points ---------
    buyer = another_phone()
    phone.page = buyer
    _add_to_cart(buyer, slug)
    _checkout_address(buyer, BUYER_EMAIL)
    buyer.check("input[value=cod]")
    buyer.get_by_role("button", name="Buat pesanan").click()
    buyer.wait_for_url(re.compile(rf"/shop/{slug}/orders/[\w-]+$"))
    expect(buyer.locator("#order-points")).to_contain_text("sekitar 115 poin")
    _complete_orders_and_settle(seller.organization)

    # -- the second order: the voucher and 50 points, priced before placing it ------------------
    _add_to_cart(buyer, slug)
    _checkout_address(buyer)
    buyer.check("input[value=cod]")
    buyer.fill("input[name=voucher]", "hemat10")
    buyer.fill("input[name=points]", "50")
    expect(buyer.locator("#points-balance")).to_have_count(0)  # no balance for a number typed: a code first
    buyer.get_by_role("button", name="Kirimi saya kode").click()
    expect(buyer.locator("#points-notice")).to_contain_text("r***@contoh.id")
    phone.shot("buyer-points-code-sent")
    text = mailbox.wait_for(BUYER_EMAIL, "Kode poin")
    code = re.search(r"\b(\d{6})\b", text).group(1)
    buyer.fill("input[name=points_code]", code)
    buyer.get_by_role("button", name="Konfirmasi kode").click()
    expect(buyer.locator("#points-notice")).to_contain_text("Terkonfirmasi")
    buyer.get_by_role("button", name="Terapkan", exact=True).click()
    summary = buyer.locator("#price-summary")
    expect(summary).to_contain_text("−Rp 10.000")  # 10 % of Rp 100.000
    expect(summary).to_contain_text("−Rp 5.000")  # 50 points × Rp 100
    expect(summary.locator(".total")).to_contain_text("Rp 100.000")  # 100.000 + 15.000 − 15.000
    expect(buyer.locator("#points-balance")).to_contain_text("115")
    phone.shot("buyer-voucher-and-points")
    box = buyer.locator("#discount").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone's width
    buyer.get_by_role("button", name="Buat pesanan").click()
    buyer.wait_for_url(re.compile(rf"/shop/{slug}/orders/[\w-]+$"))
    expect(buyer.locator(".cart-lines .total")).to_contain_text("Rp 100.000")
    expect(buyer.locator(".cart-lines")).to_contain_text("−Rp 15.000")
    expect(buyer.locator("#order-points")).to_contain_text("Poin Anda: 65")
    phone.shot("buyer-order-with-discount")
