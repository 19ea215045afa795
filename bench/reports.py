"""Report figures: the profit and loss of a month and the profit per SKU read from the daily rollups
at a million orders, and how long an order change takes to show in the reports.

Scale: on PostgreSQL one organisation gets ROLLUP_ORDERS orders' worth of rollup rows, written
directly with generate_series (one INSERT ... SELECT): a row per order (the worst case, every
order of a day selling another variant), DAYS days of ~2,740 orders, three channels, 3,000
variant ids, every money column filled. The orders themselves are not generated: the reports
never read them (that is the point of the rollups). SQLite gets a tenth.

Figures (service calls in this process, sequential, a random month / store each time):
  reports.pnl_month.p95_ms      money.reports.profit_and_loss over 30 days (+ the expenses read)
  reports.profit_by_sku.p95_ms  money.reports.profit_by_sku over 30 days (+ the SKUs' names read)
  reports.rollup_lag.p95_ms     a real order (one of ~LAG_DAY_ORDERS placed that day) is cancelled
                                through the orders service; the clock stops when the P&L shows it.
                                In between: the commit, the OrdersChanged listener enqueueing
                                refresh_rollups on Redis, a SAQ worker in this process taking it, the
                                day recomputed, and the P&L polled every 10 ms.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from datetime import date, timedelta

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.reports")

ROLLUP_ORDERS = 1_000_000
SQLITE_ORDERS = 100_000
DAYS = 365
FIRST_DAY = date(2025, 12, 1)
VARIANTS = 3_000
ROUNDS = 60
LAG_DAY_ORDERS = 300
LAG_ROUNDS = 20


async def _organisation(env: BenchEnvironment, name: str) -> int:
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up

    _user, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name=name,
                                             email=f"{name.lower().replace(' ', '-')}-{env.run_id}@bench.example.id",
                                             password="bench-password-123"), ip="127.0.0.1")
    return org_id


async def _seed_rollups(env: BenchEnvironment, org_id: int, orders: int) -> None:
    from app.domains.money.tables import DailyRollup

    per_day = -(-orders // DAYS)
    began = time.perf_counter()
    if env.engine == "postgresql":
        await DailyRollup.raw(
            "INSERT INTO daily_rollup (organization, day, channel, store_id, variant_id, orders, units, revenue, "
            "commission, service_fee, transaction_fee, campaign_fee, affiliate_commission, shipping, tax, other, "
            "cogs, unsettled) "
            "SELECT {}, {}::date + (g / {}), (ARRAY['shopee','tiktok','website'])[g % 3 + 1], g % 3, "
            "(g::bigint * 7919) % {} + 1, 1, 1 + g % 3, 50000 + (g % 97) * 1000, -(4000 + g % 500), -(2000 + g % 300), "
            "-(1000 + g % 200), -(g % 2) * 1500, -(g % 4 = 1)::int * 2500, -(g % 5) * 500, -250, 0, "
            "30000 + (g % 89) * 500, (g % 10 = 0)::int FROM generate_series(0, {}) AS g",
            org_id, FIRST_DAY, per_day, VARIANTS, orders - 1)
        await DailyRollup.raw("ANALYZE daily_rollup")
    else:
        rows = []
        for g in range(orders):
            rows.append(DailyRollup(
                organization=org_id, day=FIRST_DAY + timedelta(days=g // per_day), channel=("shopee", "tiktok",
                                                                                             "website")[g % 3],
                store_id=g % 3, variant_id=(g * 7919) % VARIANTS + 1, orders=1, units=1 + g % 3,
                revenue=50_000 + (g % 97) * 1000, commission=-(4000 + g % 500), service_fee=-(2000 + g % 300),
                transaction_fee=-(1000 + g % 200), cogs=30_000 + (g % 89) * 500))
            if len(rows) == 5_000:
                await DailyRollup.insert(*rows)
                rows = []
        if rows:
            await DailyRollup.insert(*rows)
    log.info("%d rollup rows written in %.1fs", orders, time.perf_counter() - began)


@benchmark("reports.")
async def reports_at_scale(env: BenchEnvironment) -> None:
    from app.core.tenancy import Tenant
    from app.domains.money import reports

    orders = ROLLUP_ORDERS if env.engine == "postgresql" else SQLITE_ORDERS
    org_id = await _organisation(env, "Bench Reports")
    await _seed_rollups(env, org_id, orders)
    tenant = Tenant(org_id)
    rng = random.Random(14)

    def a_month() -> reports.Period:
        first = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 30))
        return reports.Period(first, first + timedelta(days=29),
                              store_id=rng.choice([None, None, 0, 1, 2]))

    await reports.profit_and_loss(tenant, a_month())  # warm the pool and the plans
    for name, call in (("reports.pnl_month.p95_ms", reports.profit_and_loss),
                       ("reports.profit_by_sku.p95_ms", reports.profit_by_sku)):
        times = []
        for _ in range(ROUNDS):
            period = a_month()
            began = time.perf_counter()
            result = await call(tenant, period)
            times.append((time.perf_counter() - began) * 1000)
            assert result, "a month of a million orders cannot be empty"
        env.report(name, round(percentile(times, 95), 1), "ms", ROUNDS)
        log.info("%s p50 %.1f ms (%d orders of rollups)", name, percentile(times, 50), orders)
    await _rollup_lag(env)


async def _rollup_lag(env: BenchEnvironment) -> None:
    from saq import Worker

    from app.core.clock import utcnow
    from app.core.queue import get_queue
    from app.core.tenancy import Tenant
    from app.domains.catalog.schemas import ProductForm, VariantForm
    from app.domains.catalog.services import create_product, get_product
    from app.domains.inventory import default_location, receive
    from app.domains.money import reports
    from app.domains.money.rollups import local_day, refresh_orders
    from app.domains.orders.services import create_manual_order, transition
    from tasks.money import refresh_rollups

    org_id = await _organisation(env, "Bench Lag")
    tenant = Tenant(org_id)
    product_id = await create_product(tenant, ProductForm(name="Batik Tulis", variants=[
        VariantForm(sku=f"LAG-{n}", price=100_000 + n * 1000, attributes={"size": str(n)}) for n in range(5)]))
    _product, variants = await get_product(tenant, product_id)
    location = await default_location(tenant)
    for v in variants:
        await receive(tenant, v["id"], location["id"], 10_000)
    placed = []
    for n in range(LAG_DAY_ORDERS):
        placed.append(await create_manual_order(
            tenant, customer_name=f"Pembeli {n}", phone="", address="Jl. Malioboro 1, Yogyakarta",
            lines=[(variants[n % 5]["sku"], 1 + n % 3), (variants[(n + 2) % 5]["sku"], 1)]))
    await refresh_orders(org_id, placed)  # the day as the jobs would have left it
    today = local_day(utcnow(), tenant.timezone)
    period = reports.Period(today, today)

    worker = Worker(get_queue(), functions=[refresh_rollups], concurrency=2, dequeue_timeout=1.0)
    running = asyncio.create_task(worker.start())
    lags = []
    try:
        for order_id in random.Random(7).sample(placed, LAG_ROUNDS):
            before = (await reports.profit_and_loss(tenant, period)).figures.orders
            began = time.perf_counter()
            await transition(tenant, order_id, "cancelled")
            while (await reports.profit_and_loss(tenant, period)).figures.orders != before - 1:
                if time.perf_counter() - began > 30:
                    raise RuntimeError("a cancelled order did not leave the report within 30 s")
                await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - began) * 1000)
    finally:
        await worker.stop()
        running.cancel()
    env.report("reports.rollup_lag.p95_ms", round(percentile(lags, 95), 1), "ms", len(lags))
    log.info("rollup lag p50 %.1f ms over a day of %d orders", percentile(lags, 50), LAG_DAY_ORDERS)
