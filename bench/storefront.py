"""Storefront figures: anonymous product pages of a 10,000-product shop under 50 concurrent
clients (p95 and the ratio to a bare Litestar route served the same way), and checkouts per second
over the JSON API (each one a priced, validated order reserving stock through the reservation
path; PostgreSQL is the engine the figure is meant for).

Both servers are real subprocesses on loopback (`storesync serve`, one web process, no worker;
`python -m bench.http`). Product pages are public and may be reused for a few seconds
(app/domains/website/storefront.py keeps a product's data 3 s), which is what a buyer's phone and a
crawler see. The checkout limits per address are raised for the run: every request comes from
127.0.0.1 here, where real buyers come from many addresses.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

import httpx

from bench import benchmark
from bench.environment import BenchEnvironment, percentile
from bench.http import HOST, _free_port, _measure, _stop, _wait_ready
from bench.loadgen import Session

log = logging.getLogger("bench.storefront")

PRODUCTS = 10_000
SESSIONS = 50
PAGE_REQUESTS = 100  # per session, measured (a phase of a few seconds)
BARE_REQUESTS = 200
CHECKOUTS = 600
CHECKOUT_CONCURRENCY = 20
SLUG = "bench-toko"
VILLAGE = "32.73.01.1001"


async def _seed(env: BenchEnvironment) -> tuple[list[int], list[int]]:
    """One organisation with PRODUCTS products on its open website, each with stock; (product ids,
    variant ids)."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.catalog.tables import Product, Variant
    from app.domains.inventory.locations import default_location
    from app.domains.inventory.stock import Line, count_many
    from app.domains.website import services
    from app.domains.website.tables import WebsiteProduct

    email = f"storefront.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Toko Bench Nusantara",
                                               email=email, password="bench-password-42"), ip=HOST)
    tenant = Tenant(org_id, Actor(user_id, HOST, email))
    rng = random.Random(11)
    kinds = ["Kaos", "Kemeja", "Batik", "Sarung", "Topi", "Tas", "Sandal", "Jaket"]
    product_ids: list[int] = []
    variant_ids: list[int] = []
    for start in range(0, PRODUCTS, 1000):
        rows = await Product.insert(*[Product(organization=org_id, name=f"{rng.choice(kinds)} Model {i:05d}",
                                              category=rng.choice(kinds), description="Bahan adem, jahitan rapi.")
                                      for i in range(start, min(start + 1000, PRODUCTS))]).returning(Product.id)
        ids = [r["id"] for r in rows]
        product_ids += ids
        variants = await Variant.insert(*[Variant(organization=org_id, product=pid, sku=f"BEN-{pid}", name="",
                                                  price=rng.randrange(50, 400) * 1000) for pid in ids]).returning(
            Variant.id)
        variant_ids += [r["id"] for r in variants]
        await WebsiteProduct.insert(*[WebsiteProduct(organization=org_id, product=pid) for pid in ids])
    location = (await default_location(tenant))["id"]
    await count_many(tenant, [Line(v, location, 1000) for v in variant_ids], reference="bench:opening-stock")
    await services.settings_of(tenant)
    await services.update_settings(tenant, {
        "enabled": "on", "title": "Toko Bench", "slug": SLUG, "domain": "", "whatsapp": "", "logo_url": "",
        "banner_url": "", "primary_colour": "#0f766e", "accent_colour": "#f59e0b", "about": "", "contact": "",
        "hold_hours": "24", "stock_buffer": "0", "stock_percent": "100", "shipping_mode": "flat",
        "flat_rate": "15000", "province_rates": "", "cors_origins": ""})
    from app.core.database import is_postgres

    if is_postgres():
        await Product.raw("ANALYZE")
    return product_ids, variant_ids


async def _checkouts(port: int, variant_ids: list[int]) -> tuple[float, list[float], int]:
    """CHECKOUTS orders over the JSON API, CHECKOUT_CONCURRENCY at a time; (per second, latencies, failures)."""
    gate = asyncio.Semaphore(CHECKOUT_CONCURRENCY)
    latencies: list[float] = []
    failures = 0
    rng = random.Random(5)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=30,
                                 limits=httpx.Limits(max_connections=CHECKOUT_CONCURRENCY)) as client:
        async def one(n: int) -> None:
            nonlocal failures
            body = {"lines": [{"variant_id": rng.choice(variant_ids), "quantity": 1}], "payment_method": "cod",
                    "buyer": {"name": "Pembeli Bench", "phone": f"0819{n:08d}"},
                    "address": {"line": "Jl. Asia Afrika 8", "village_code": VILLAGE}}
            async with gate:
                began = time.perf_counter()
                response = await client.post(f"/api/storefront/{SLUG}/checkout", json=body)
                latencies.append(time.perf_counter() - began)
            if response.status_code != 201:
                failures += 1
                if failures <= 3:
                    log.warning("checkout answered %s: %s", response.status_code, response.text[:200])

        for n in range(20):  # warm-up
            await one(10_000_000 + n)
        latencies.clear()
        began = time.monotonic()
        await asyncio.gather(*(one(n) for n in range(CHECKOUTS)))
        wall = time.monotonic() - began
    return (CHECKOUTS - failures) / wall, latencies, failures


@benchmark("storefront.")
async def storefront(env: BenchEnvironment) -> None:
    """storefront.product_page.p95_ms / p50_ms / rps, storefront.page_vs_bare.ratio,
    storefront.checkout.per_s and storefront.checkout.p95_ms."""
    app_port, bare_port = _free_port(), _free_port()
    limits = {"CHECKOUTS_PER_IP_MINUTE": "1000000", "CHECKOUTS_PER_PHONE_HOUR": "1000"}
    app_server = env.spawn(["-m", "app.cli", "serve", "--host", HOST, "--port", str(app_port)], "shop-server", **limits)
    bare_server = env.spawn(["-m", "bench.http", "--host", HOST, "--port", str(bare_port)], "shop-bare-server")
    sessions: list[Session] = []
    bare_sessions: list[Session] = []
    try:
        began = time.monotonic()
        products, variants = await _seed(env)
        log.info("seeded %d website products in %.1fs", len(products), time.monotonic() - began)
        await _wait_ready(env, app_server, f"http://{HOST}:{app_port}/healthz", "shop-server")
        await _wait_ready(env, bare_server, f"http://{HOST}:{bare_port}/", "shop-bare-server")
        rng = random.Random(3)
        sessions = [Session(HOST, app_port, f"/shop/{SLUG}/p/{pid}", expect=b"application/ld+json")
                    for pid in rng.sample(products, SESSIONS)]
        pages, _page_cpu = await _measure("product page", sessions, PAGE_REQUESTS, app_server)
        bare_sessions = [Session(HOST, bare_port, "/", expect=b"ok") for _ in range(SESSIONS)]
        bare, _bare_cpu = await _measure("bare route", bare_sessions, BARE_REQUESTS, bare_server)
        per_s, latencies, failures = await _checkouts(app_port, variants)
        log.info("checkouts: %.1f/s, p95 %.1f ms, %d failed", per_s, 1000 * percentile(latencies, 95), failures)
    finally:
        for session in [*sessions, *bare_sessions]:
            await session.close()
        _stop(app_server)
        _stop(bare_server)
    n = len(pages.latencies)
    env.report("storefront.product_page.p50_ms", round(pages.percentile_ms(50), 2), "ms", n)
    env.report("storefront.product_page.p95_ms", round(pages.percentile_ms(95), 2), "ms", n)
    env.report("storefront.product_page.rps", round(pages.rps, 1), "req/s", n)
    env.report("storefront.page_vs_bare.ratio", round(pages.rps / bare.rps, 4), "ratio", n)
    env.report("storefront.checkout.per_s", round(per_s, 1), "orders/s", CHECKOUTS - failures)
    env.report("storefront.checkout.p95_ms", round(1000 * percentile(latencies, 95), 2), "ms", len(latencies))
