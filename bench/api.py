"""REST API figures: cursor pages of 100 orders out of a large order table, stock adjustments per
second (each with its own Idempotency-Key), and a small authenticated GET against the bare route.

`ORDERS` orders (default 1,000,000; BENCH_API_ORDERS changes it) are inserted by one SQL statement
(generate_series on PostgreSQL, a recursive CTE on SQLite) into one organisation. The servers are
real subprocesses on loopback (`storesync serve`, one web process, no worker; `python -m
bench.http`), the API key is made through the real service, and its rate limits are raised for
the run (every request here comes from one key); its organisation is on a plan allowing more API
calls a month than the run makes, with the plans' limits enforced as in production.

- api.orders_list.p95_ms / p50_ms: GET /api/v1/orders?limit=100&cursor=… from ORDER_CLIENTS
  clients at once, each on its own cursor spread over the whole table (a program paging through).
- api.stock_adjust.per_s: POST /api/v1/stock/adjustments, ADJUST_CONCURRENCY at a time.
- api.vs_bare.ratio: GET /api/v1/key (authenticated, rate-limited, audited; a small JSON object)
  over the bare route's requests per second, 50 keep-alive clients each, same run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
import uuid

import httpx

from bench import benchmark
from bench.environment import BenchEnvironment
from bench.http import HOST, _free_port, _measure, _stop, _wait_ready
from bench.loadgen import Session

log = logging.getLogger("bench.api")

ORDERS = int(os.environ.get("BENCH_API_ORDERS", "1000000"))
ORDER_CLIENTS = 10
ORDER_PAGES = 30  # per client, measured
SESSIONS = 50
GET_REQUESTS = 100  # per session, measured
BARE_REQUESTS = 200
ADJUSTMENTS = 1000
ADJUST_CONCURRENCY = 20
VARIANTS = 100


async def _seed(env: BenchEnvironment) -> tuple[str, list[int], int, int]:
    """One organisation with ORDERS orders and VARIANTS stocked variants; (API key, variant ids,
    location id, lowest order id)."""
    from app.core.database import is_postgres
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.billing.tables import Plan, Subscription
    from app.domains.catalog.tables import Product, Variant
    from app.domains.inventory.locations import default_location
    from app.domains.inventory.stock import Line, count_many
    from app.domains.orders.tables import Order
    from app.domains.platform_api.keys import create_key
    from app.domains.platform_api.schemas import ApiKeyForm
    from app.domains.platform_api.scopes import ALL_SCOPES

    email = f"api.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Agus Wijaya", organization_name="Toko Bench API", email=email,
                                               password="bench-password-42"), ip=HOST)
    tenant = Tenant(org_id, Actor(user_id, HOST, email))
    began = time.monotonic()
    columns = ('organization, channel, platform_order_id, state, customer_name, customer_phone, currency, total, '
               'subtotal, shipping_fee, placed_at, created_at, updated_at')
    values = ("{org}, 'manual', 'B-' || n, CASE WHEN n % 10 = 0 THEN 'cancelled' ELSE 'delivered' END, "
              "'Pembeli ' || n, '0812' || n, 'IDR', 100000 + n % 900 * 1000, 100000 + n % 900 * 1000, 0, "
              "{ts}, {ts}, {ts}")
    if is_postgres():
        ts = "now() - (n || ' seconds')::interval"
        await Order.raw(f'INSERT INTO "order" ({columns}) SELECT {values.format(org=org_id, ts=ts)} '
                        f"FROM generate_series(1, {ORDERS}) AS n")
        await Order.raw('ANALYZE "order"')
    else:
        ts = "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '-' || n || ' seconds')"
        await Order.raw(f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {ORDERS}) "
                        f'INSERT INTO "order" ({columns}) SELECT {values.format(org=org_id, ts=ts)} FROM s')
    log.info("inserted %d orders in %.1fs", ORDERS, time.monotonic() - began)
    low = (await Order.select(Order.id).where(Order.organization == org_id).order_by(Order.id).first())["id"]
    product = (await Product.insert(Product(organization=org_id, name="Kopi Bench")).returning(Product.id))[0]["id"]
    variants = [r["id"] for r in await Variant.insert(*[
        Variant(organization=org_id, product=product, sku=f"API-{i}", price=50_000) for i in range(VARIANTS)]).returning(
        Variant.id)]
    location = (await default_location(tenant))["id"]
    await count_many(tenant, [Line(v, location, 1000) for v in variants], reference="bench:opening-stock")
    _key, secret = await create_key(tenant, ApiKeyForm.parse({"name": "Bench", "scopes": list(ALL_SCOPES)}))
    # a plan whose monthly API calls this run cannot use up (the Free plan's 1,000 would refuse it):
    # every call is checked against the plan and counted, as in production
    plan = Plan(code=f"bench-{env.run_id}"[:20], name="Bench", price=0, available=False,
                max_api_calls_per_month=100_000_000)
    await plan.save()
    await Subscription(organization=org_id, plan=plan.id, status="active").save()
    return secret, variants, location, low


async def _adjustments(port: int, secret: str, variants: list[int], location: int) -> tuple[float, int]:
    """ADJUSTMENTS stock adjustments, ADJUST_CONCURRENCY at a time; (per second, failures)."""
    gate = asyncio.Semaphore(ADJUST_CONCURRENCY)
    failures = 0
    rng = random.Random(7)
    headers = {"Authorization": f"Bearer {secret}"}
    async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=30, headers=headers,
                                 limits=httpx.Limits(max_connections=ADJUST_CONCURRENCY)) as client:
        async def one() -> None:
            nonlocal failures
            body = {"variant_id": rng.choice(variants), "location_id": location, "delta": 1, "reason": "bench"}
            async with gate:
                response = await client.post("/api/v1/stock/adjustments", json=body,
                                             headers={"Idempotency-Key": uuid.uuid4().hex})
            if response.status_code != 201:
                failures += 1
                if failures <= 3:
                    log.warning("adjustment answered %s: %s", response.status_code, response.text[:200])

        for _ in range(20):  # warm-up
            await one()
        failures = 0
        began = time.monotonic()
        await asyncio.gather(*(one() for _ in range(ADJUSTMENTS)))
        wall = time.monotonic() - began
    return (ADJUSTMENTS - failures) / wall, failures


@benchmark("api.")
async def api(env: BenchEnvironment) -> None:
    """api.orders_list.p95_ms / p50_ms, api.stock_adjust.per_s, api.small_get.rps, api.vs_bare.ratio
    and .cpu_ratio."""
    from app.domains.platform_api.v1.models import encode_cursor

    app_port, bare_port = _free_port(), _free_port()
    # one key makes every call here: its rate limits are raised; the plan's limits are enforced, as in
    # production (the bench turns them off for its other processes), and the organisation's plan
    # allows more calls than the run makes (_seed)
    limits = {"API_CALLS_PER_KEY_MINUTE": "100000000", "API_CALLS_PER_ORG_MINUTE": "100000000",
              "BILLING_ENFORCE_LIMITS": "true"}
    app_server = env.spawn(["-m", "app.cli", "serve", "--host", HOST, "--port", str(app_port)], "api-server", **limits)
    bare_server = env.spawn(["-m", "bench.http", "--host", HOST, "--port", str(bare_port)], "api-bare-server")
    sessions: list[Session] = []
    try:
        secret, variants, location, low = await _seed(env)
        await _wait_ready(env, app_server, f"http://{HOST}:{app_port}/healthz", "api-server")
        await _wait_ready(env, bare_server, f"http://{HOST}:{bare_port}/", "api-bare-server")
        auth = {"Authorization": f"Bearer {secret}"}
        rng = random.Random(3)
        cursors = [encode_cursor(low + rng.randrange(ORDERS - 200)) for _ in range(ORDER_CLIENTS)]
        order_sessions = [Session(HOST, app_port, f"/api/v1/orders?limit=100&cursor={c}", expect=b'"next_cursor":"',
                                  headers=auth) for c in cursors]
        sessions += order_sessions
        pages, _cpu = await _measure("orders list", order_sessions, ORDER_PAGES, app_server)
        small = [Session(HOST, app_port, "/api/v1/key", expect=b'"prefix"', headers=auth) for _ in range(SESSIONS)]
        sessions += small
        gets, get_cpu = await _measure("small authenticated GET", small, GET_REQUESTS, app_server)
        bare_sessions = [Session(HOST, bare_port, "/", expect=b"ok") for _ in range(SESSIONS)]
        sessions += bare_sessions
        bare, bare_cpu = await _measure("bare route", bare_sessions, BARE_REQUESTS, bare_server)
        per_s, failures = await _adjustments(app_port, secret, variants, location)
        log.info("stock adjustments: %.1f/s, %d failed", per_s, failures)
    finally:
        for session in sessions:
            await session.close()
        _stop(app_server)
        _stop(bare_server)
    n = len(pages.latencies)
    env.report("api.orders_list.p50_ms", round(pages.percentile_ms(50), 2), "ms", n)
    env.report("api.orders_list.p95_ms", round(pages.percentile_ms(95), 2), "ms", n)
    env.report("api.orders_list.orders", ORDERS, "orders", ORDERS)
    env.report("api.stock_adjust.per_s", round(per_s, 1), "adjustments/s", ADJUSTMENTS - failures)
    env.report("api.small_get.rps", round(gets.rps, 1), "req/s", len(gets.latencies))
    env.report("api.vs_bare.ratio", round(gets.rps / bare.rps, 4), "ratio", len(gets.latencies))
    # server CPU per request, bare over API: what the machine's other work barely moves, unlike req/s
    env.report("api.vs_bare.cpu_ratio", round(bare_cpu / get_cpu, 4) if get_cpu else float("nan"), "ratio",
               len(gets.latencies))
