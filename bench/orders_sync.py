"""Order sync figures against the marketplace sandbox: webhook to reserved order, order backfill,
and listing import.

One organisation, one Shopee shop (WEBHOOK_SKUS SKUs) and one TikTok shop (BACKFILL_SKUS SKUs),
seller SKUs renumbered and seeded as master variants with stock, stores connected through the real
flow (all with bench.sync's helpers), listings imported with import_store_listings so orders map to
variants and reserve stock.

`sync.import.listings_per_s`: import_store_listings over both stores, total listings / total
seconds (as bench/sync.py computes sync.import_listings.per_s; Shopee runs at the app's 10
requests/s per shop).

`sync.webhook_to_order.p50_ms` / `.p95_ms`: a Shopee order is placed in the sandbox (push=False),
then timed from the POST of its signed push to /webhooks/shopee (the app in-process via
httpx.ASGITransport) through `webhooks.process(event_id)` called inline as the worker would (without
the queue pick-up, which production adds) until the order row exists with stock_state reserved.

`sync.backfill.orders_per_s`: BACKFILL_ORDERS (10,000) TikTok orders created in the sandbox
(create_order(..., push=False)), then app.domains.orders.fetch.fetch_store_orders; orders / seconds.
"""

from __future__ import annotations

import logging
import random
import time

import httpx

from bench import benchmark
from bench.adapters import sandbox_settings
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.orders_sync")

WEBHOOK_SKUS = 300
BACKFILL_SKUS = 3_000
BACKFILL_ORDERS = 10_000  # ingested a page (50) per transaction: ~30-60 s on PostgreSQL
SAMPLES = 30
WARMUP = 3


@benchmark("sync.")
async def orders_sync(env: BenchEnvironment) -> None:
    """sync.import.listings_per_s, sync.webhook_to_order.p50_ms / .p95_ms, sync.backfill.orders_per_s."""
    with sandbox_settings() as (_server, state):
        await _run(env, state)


async def _run(env: BenchEnvironment, state) -> None:
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.orders.fetch import fetch_store_orders
    from app.domains.sync.listing_import import import_store_listings
    from app.settings import get_settings
    from bench.sync import _connect, _sandbox_shop, _seed_master

    wanted = env.only or "sync."
    do_import = "sync.import".startswith(wanted) or wanted.startswith("sync.import")
    do_webhook = "sync.webhook".startswith(wanted) or wanted.startswith("sync.webhook")
    do_backfill = "sync.backfill".startswith(wanted) or wanted.startswith("sync.backfill")
    if not (do_import or do_webhook or do_backfill):
        return  # e.g. --only sync.push: bench/sync.py's figures, none of these

    settings = get_settings()
    began = time.monotonic()
    shopee = _sandbox_shop(state, "shopee", WEBHOOK_SKUS, settings)
    tiktok = _sandbox_shop(state, "tiktok", BACKFILL_SKUS, settings)
    shops = [shopee, tiktok]
    email = f"orders.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Agus Wijaya", organization_name="Kopi Gayo Asli",
                                               email=email, password="bench-password-42"), ip="127.0.0.1")
    tenant = Tenant(org_id, Actor(user_id, "127.0.0.1", email))
    all_skus = sorted({sku for shop in shops for sku in shop.skus})
    await _seed_master(tenant, all_skus)
    for shop in shops:
        shop.store_id = await _connect(tenant, state, shop)
    imported, import_seconds = 0, 0.0
    for shop in shops:
        t0 = time.perf_counter()
        counts = await import_store_listings(tenant, shop.store_id)
        seconds = time.perf_counter() - t0
        log.info("import %s: %d listings (%d mapped) in %.1fs, %.0f/s", shop.platform, counts.created,
                 counts.auto_mapped, seconds, counts.created / seconds)
        if counts.auto_mapped != len(shop.skus):
            raise RuntimeError(f"{shop.platform} import: {counts} for {len(shop.skus)} sandbox SKUs")
        imported += counts.created
        import_seconds += seconds
    log.info("seeded, connected and imported in %.1fs", time.monotonic() - began)
    env.report("sync.import.listings_per_s", round(imported / import_seconds, 1), "listings/s", imported)

    if do_webhook:
        await _webhooks(env, state, shopee)

    if do_backfill:
        t0 = time.perf_counter()
        rng = random.Random(9)
        skus = list(tiktok.skus.values())
        for _ in range(BACKFILL_ORDERS):
            lines = [(p, s, rng.randint(1, 2)) for p, s in rng.sample(skus, k=rng.randint(1, 2))]
            state.create_order("tiktok", tiktok.shop_id, lines=lines, status="AWAITING_SHIPMENT", push=False)
        log.info("created %d sandbox orders in %.1fs", BACKFILL_ORDERS, time.perf_counter() - t0)
        t0 = time.perf_counter()
        report = await fetch_store_orders(tenant, tiktok.store_id)
        seconds = time.perf_counter() - t0
        log.info("backfill: %d seen, %d created, %d oversold in %.1fs = %.0f orders/s", report.seen, report.created,
                 len(report.oversold), seconds, report.created / seconds)
        if report.created != BACKFILL_ORDERS:
            raise RuntimeError(f"backfill created {report.created} of {BACKFILL_ORDERS}")
        env.report("sync.backfill.orders_per_s", round(report.created / seconds, 1), "orders/s", report.created)


async def _webhooks(env: BenchEnvironment, state, shop) -> None:
    import json

    from app.domains.orders.tables import Order
    from app.domains.stores.tables import WebhookEventRecord
    from app.domains.stores.webhooks import process, webhook_url
    from app.integrations.base import Platform
    from app.integrations.shopee import signing
    from app.main import create_app
    from app.settings import get_settings

    key = get_settings().shopee_partner_key
    url = webhook_url(Platform.SHOPEE)
    rng = random.Random(4)
    skus = list(shop.skus.values())
    samples: list[float] = []
    app = create_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench.local") as client:
        for i in range(WARMUP + SAMPLES):
            product_id, sku_id = rng.choice(skus)
            order = state.create_order("shopee", shop.shop_id, lines=[(product_id, sku_id, 1)],
                                       status="READY_TO_SHIP", push=False)
            now = int(time.time())
            body = json.dumps({"code": 3, "shop_id": int(shop.shop_id), "timestamp": now,
                               "data": {"ordersn": order.order_id, "status": "READY_TO_SHIP", "update_time": now}},
                              separators=(",", ":")).encode()
            headers = {"Authorization": signing.push_sign(key, callback_url=url, body=body),
                       "Content-Type": "application/json"}
            t0 = time.perf_counter()
            response = await client.post("/webhooks/shopee", content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}: {response.text[:300]}")
            event = await WebhookEventRecord.select(WebhookEventRecord.id).where(
                WebhookEventRecord.platform_shop_id == shop.shop_id).order_by(
                WebhookEventRecord.id, ascending=False).first()
            outcome = await process(event["id"])
            row = await Order.select(Order.stock_state).where(
                (Order.store == shop.store_id) & (Order.platform_order_id == order.order_id)).first()
            elapsed = (time.perf_counter() - t0) * 1000
            if row is None or row["stock_state"] != "reserved":
                raise RuntimeError(f"order {order.order_id} after the webhook: {row} ({outcome})")
            if i >= WARMUP:
                samples.append(elapsed)
    log.info("webhook to reserved order: %d samples, median %.1f ms, p95 %.1f ms, max %.1f ms", len(samples),
             percentile(samples, 50), percentile(samples, 95), max(samples))
    env.report("sync.webhook_to_order.p50_ms", round(percentile(samples, 50), 1), "ms", len(samples))
    env.report("sync.webhook_to_order.p95_ms", round(percentile(samples, 95), 1), "ms", len(samples))
