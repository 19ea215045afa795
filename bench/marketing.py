"""Marketing figures: a segment's live count over 100,000 customers (seeded with one SQL statement:
150,000 orders, so half the customers have two), and website checkouts per second that carry a
voucher (each one priced, its voucher claimed with the atomic conditional update, stock reserved)
over the JSON API of a real server on loopback: `storesync serve --workers N` (N from
BENCH_CHECKOUT_WORKERS, default 2: the documented way to use every core) and, for an honest
comparison on the same shop, one web process. PostgreSQL is the engine the figures are meant for;
the checkout limits per address are raised for the run (every request comes from 127.0.0.1 here)."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import subprocess
import time

import httpx

from bench import benchmark, wanted
from bench.environment import BenchEnvironment, percentile
from bench.http import HOST, _free_port, _stop, _wait_ready

log = logging.getLogger("bench.marketing")

CUSTOMERS = 100_000
ORDERS = 150_000
COUNT_RUNS = 20  # per filter
CHECKOUTS = 600
CHECKOUT_CONCURRENCY = 20
PRODUCTS = 200
SLUG = "bench-promo"
VILLAGE = "32.73.01.1001"

_PG_SEED = """
INSERT INTO "order" (organization, channel, platform_order_id, state, customer_phone, address, total, subtotal,
                     placed_at)
SELECT {org}, (ARRAY['website','shopee','tiktok','manual'])[1 + g % 4], 'BM-' || g,
       CASE WHEN g > {customers} AND g % 17 = 0 THEN 'cancelled' ELSE 'completed' END,
       '+62812' || lpad(((g::bigint * 7919) % {customers})::text, 7, '0'),
       json_build_object('city', (ARRAY['Kota Bandung','Jakarta Selatan','Surabaya','Medan','Denpasar'])[1 + g % 5]),
       50000 + (g % 40) * 12500, 50000 + (g % 40) * 12500, now() - ((g % 500) || ' days')::interval
FROM generate_series(1, {orders}) g
"""

_SQLITE_SEED = """
WITH RECURSIVE n(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM n WHERE g < {orders})
INSERT INTO "order" (organization, channel, platform_order_id, state, customer_phone, address, total, subtotal,
                     placed_at)
SELECT {org}, CASE g % 4 WHEN 0 THEN 'website' WHEN 1 THEN 'shopee' WHEN 2 THEN 'tiktok' ELSE 'manual' END,
       'BM-' || g, CASE WHEN g > {customers} AND g % 17 = 0 THEN 'cancelled' ELSE 'completed' END,
       '+62812' || substr('0000000' || ((g * 7919) % {customers}), -7),
       '{{"city": "' || CASE g % 5 WHEN 0 THEN 'Kota Bandung' WHEN 1 THEN 'Jakarta Selatan' ELSE 'Surabaya' END || '"}}',
       50000 + (g % 40) * 12500, 50000 + (g % 40) * 12500,
       strftime('%Y-%m-%d %H:%M:%S+00:00', 'now', '-' || (g % 500) || ' days')
FROM n
"""


async def _organisation(env: BenchEnvironment, name: str):
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up

    email = f"{name}.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name=f"Toko {name}", email=email,
                                               password="bench-password-42"), ip=HOST)
    return Tenant(org_id, Actor(user_id, HOST, email))


async def _segment_counts(env: BenchEnvironment) -> list[float]:
    from app.core.database import is_postgres
    from app.domains.orders import CustomerFilter, count_customers
    from app.domains.orders.tables import Order

    tenant = await _organisation(env, "segmen")
    began = time.monotonic()
    seed = _PG_SEED if is_postgres() else _SQLITE_SEED
    await Order.raw(seed.format(org=tenant.organization_id, customers=CUSTOMERS, orders=ORDERS))
    if is_postgres():
        await Order.raw('ANALYZE "order"')
    log.info("seeded %d orders of %d customers in %.1fs", ORDERS, CUSTOMERS, time.monotonic() - began)
    filters = [CustomerFilter(), CustomerFilter(channel="website", min_spend=200_000),
               CustomerFilter(city="bandung", min_orders=2), CustomerFilter(rfm="at_risk"),
               CustomerFilter(ordered_within_days=60, min_year_spend=100_000)]
    counts = [await count_customers(tenant, f) for f in filters]
    assert counts[0] == CUSTOMERS, counts  # every customer has a non-cancelled order
    log.info("segment counts: %s", counts)
    latencies: list[float] = []
    for _run in range(COUNT_RUNS):
        for f in filters:
            began = time.perf_counter()
            await count_customers(tenant, f)
            latencies.append(time.perf_counter() - began)
    return latencies


async def _seed_shop(env: BenchEnvironment) -> list[int]:
    from app.domains.catalog.tables import Product, Variant
    from app.domains.inventory.locations import default_location
    from app.domains.inventory.stock import Line, count_many
    from app.domains.marketing import manage
    from app.domains.marketing.schemas import VoucherForm
    from app.domains.website import services
    from app.domains.website.tables import WebsiteProduct

    tenant = await _organisation(env, "promo")
    rows = await Product.insert(*[Product(organization=tenant.organization_id, name=f"Kaos Promo {i:04d}",
                                          category="Kaos") for i in range(PRODUCTS)]).returning(Product.id)
    ids = [r["id"] for r in rows]
    variants = await Variant.insert(*[Variant(organization=tenant.organization_id, product=pid, sku=f"PROMO-{pid}",
                                              name="", price=100_000) for pid in ids]).returning(Variant.id)
    variant_ids = [r["id"] for r in variants]
    await WebsiteProduct.insert(*[WebsiteProduct(organization=tenant.organization_id, product=pid) for pid in ids])
    location = (await default_location(tenant))["id"]
    await count_many(tenant, [Line(v, location, 1000) for v in variant_ids], reference="bench:opening-stock")
    await services.settings_of(tenant)
    await services.update_settings(tenant, {
        "enabled": "on", "title": "Toko Promo", "slug": SLUG, "domain": "", "whatsapp": "", "logo_url": "",
        "banner_url": "", "primary_colour": "#0f766e", "accent_colour": "#f59e0b", "about": "", "contact": "",
        "hold_hours": "24", "stock_buffer": "0", "stock_percent": "100", "shipping_mode": "flat",
        "flat_rate": "15000", "province_rates": "", "cors_origins": ""})
    await manage.create_voucher(tenant, VoucherForm.parse({"code": "HEMAT10", "kind": "percent", "value": "10",
                                                           "total_limit": str(CHECKOUTS * 4), "active": "on",
                                                           "per_customer_limit": "1"}))
    return variant_ids


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of all its descendants still running (a `--workers N` server is a
    supervisor and N children), from /proc."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = open(f"/proc/{current}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in os.listdir(f"/proc/{current}/task"):
                todo += [int(c) for c in open(f"/proc/{current}/task/{task}/children").read().split()]
        except FileNotFoundError:
            continue
    return total


def _load() -> float:
    return os.getloadavg()[0]


async def _checkouts(port: int, variant_ids: list[int], server: subprocess.Popen,
                     phones: int) -> tuple[float, list[float], int, float]:
    """(checkouts/s, latencies, failures, the server's CPU ms per checkout over the measured phase,
    its worker processes included); buyers' phones start at `phones` (each run its own customers)."""
    gate = asyncio.Semaphore(CHECKOUT_CONCURRENCY)
    latencies: list[float] = []
    failures = 0
    rng = random.Random(5)
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=30,
                                 limits=httpx.Limits(max_connections=CHECKOUT_CONCURRENCY)) as client:
        async def one(n: int) -> None:
            nonlocal failures
            body = {"lines": [{"variant_id": rng.choice(variant_ids), "quantity": 1}], "payment_method": "cod",
                    "buyer": {"name": "Pembeli Promo", "phone": f"0819{phones + n:08d}"}, "voucher": "HEMAT10",
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
        began, cpu = time.monotonic(), _tree_cpu_seconds(server.pid)
        await asyncio.gather(*(one(n) for n in range(CHECKOUTS)))
        wall, cpu = time.monotonic() - began, _tree_cpu_seconds(server.pid) - cpu
    return (CHECKOUTS - failures) / wall, latencies, failures, 1000 * cpu / CHECKOUTS


@benchmark("marketing.")
async def marketing(env: BenchEnvironment) -> None:
    """marketing.segment_count.p95_ms (100,000 customers) and marketing.checkout_with_voucher.per_s;
    `--only marketing.checkout` skips the segment phase and its seeding (about 25 s)."""
    if wanted("marketing.segment_count.p95_ms", env.only):
        latencies = await _segment_counts(env)
        env.report("marketing.segment_count.p95_ms", round(1000 * percentile(latencies, 95), 2), "ms", len(latencies))
        env.report("marketing.segment_count.p50_ms", round(1000 * percentile(latencies, 50), 2), "ms", len(latencies))
    limits = {"CHECKOUTS_PER_IP_MINUTE": "1000000", "CHECKOUTS_PER_PHONE_HOUR": "1000"}
    workers = max(1, int(os.environ.get("BENCH_CHECKOUT_WORKERS", "2")))
    variants = await _seed_shop(env)
    # the configured server first, then one process on the same shop (its own buyers), so the two
    # rates are measured minutes apart under much the same load
    for run, (count, suffix) in enumerate([(workers, ""), (1, "_1worker")] if workers > 1 else [(1, "")]):
        port = _free_port()
        server = env.spawn(["-m", "app.cli", "serve", "--host", HOST, "--port", str(port), "--workers", str(count)],
                           f"promo-server-{count}", **limits)
        try:
            await _wait_ready(env, server, f"http://{HOST}:{port}/healthz", "promo-server")
            load_before = _load()
            per_s, latencies, failures, cpu_ms = await _checkouts(port, variants, server, 1_000_000 * (run + 1))
            load = max(load_before, _load())
        finally:
            _stop(server)
        log.info("checkouts with a voucher, %d web process(es): %.1f/s, %d failed, load %.1f", count, per_s,
                 failures, load)
        name = "marketing.checkout_with_voucher"
        env.report(f"{name}.per_s{suffix}", round(per_s, 1), "orders/s", CHECKOUTS - failures)
        env.report(f"{name}.p95_ms{suffix}", round(1000 * percentile(latencies, 95), 2), "ms", len(latencies))
        # what the figures above mostly depend on when the machine is busy: the server's own CPU time
        env.report(f"{name}.server_cpu_ms{suffix}", round(cpu_ms, 2), "ms", CHECKOUTS)
        # the 1-minute load average at the start or end of the phase, whichever is higher
        env.report(f"{name}.load{suffix}", round(load, 2), "load", CHECKOUTS)
