"""Demo website for Toko Demo at /shop/toko-demo: open, every product on it, and a few orders in
each payment state (cash on delivery, waiting for a transfer, expired). The payments domain adds
its own sample payments through seed_demo_payments when it is present."""

from __future__ import annotations

import logging
from datetime import timedelta

from faker import Faker

from app.core.clock import clock_at, utcnow
from app.core.errors import AppError
from app.core.tenancy import Actor, Tenant
from app.domains.catalog import active_products
from app.domains.shipping import seed_demo_shipping
from app.domains.website import payment_port, services
from app.domains.website.checkout import checkout
from app.domains.website.lifecycle import expire_due
from app.domains.website.shop import forget_cached_shops, shop_by_slug
from app.domains.website.tables import WebsiteOrder
from app.settings import get_settings

log = logging.getLogger(__name__)
DEMO_SLUG = "toko-demo"
VILLAGES = ["32.73.01.1001", "31.71.01.1001", "35.78.01.1001", "34.71.01.1001"]


async def seed_website(organization_id: int, fake: Faker) -> None:
    """Idempotent: settings and products once; orders only when the shop has none."""
    tenant = Tenant(organization_id, Actor(None, "demo"))
    settings = await services.settings_of(tenant)
    if not settings["enabled"]:
        await services.update_settings(tenant, {
            "enabled": "on", "title": "Toko Demo", "slug": DEMO_SLUG, "domain": "", "whatsapp": "081234567890",
            "logo_url": "", "banner_url": "", "primary_colour": "#0f766e", "accent_colour": "#f59e0b",
            "about": "Kaos, kemeja dan aksesori lokal. Dikirim dari Bandung setiap hari kerja.",
            "contact": "Jl. Braga 12, Bandung · Senin–Sabtu 09.00–17.00", "hold_hours": "24", "stock_buffer": "0",
            "stock_percent": "100", "shipping_mode": "province", "flat_rate": "25000",
            "province_rates": "Jawa Barat: 12000\nDKI Jakarta: 15000", "cors_origins": ""})
        products = await active_products(tenant)
        await services.set_on_website(tenant, [p.id for p in products], True)
        forget_cached_shops()
    await seed_demo_shipping(organization_id)  # live courier rates beside the seller's own
    if await tenant.scoped(WebsiteOrder).exists():
        return
    shop = await shop_by_slug(DEMO_SLUG)
    listed = (await services.website_products(tenant))
    variants = [v.id for p in listed if p.on_website for v in p.variants]
    if not variants:
        return
    plans = [("cod", 0), ("bank_transfer", 0), ("bank_transfer", 0), ("cod", 0), ("bank_transfer", 30)]
    for n, (method, hours_ago) in enumerate(plans):
        body = {"lines": [{"variant_id": variants[(n * 3) % len(variants)], "quantity": 1}], "payment_method": method,
                "buyer": {"name": fake.name(), "phone": f"08127{n:03d}{n:04d}", "email": f"pembeli{n}@contoh.id"},
                "address": {"line": fake.street_address(), "village_code": VILLAGES[n % len(VILLAGES)]}}
        try:
            with clock_at(utcnow() - timedelta(hours=hours_ago)):
                await checkout(shop, body, ip=f"demo-{n}", base_url=get_settings().base_url)
        except AppError as exc:  # not enough stock of this pick: one order fewer
            log.info("demo website order %s skipped: %s", n, exc.message)
    await expire_due()  # the old transfer was never paid: cancelled, its stock back
    await payment_port.seed_demo_payments(organization_id)
