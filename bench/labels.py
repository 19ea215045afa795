"""Marketplace labels of 500 orders fetched and merged into one PDF: `shipping.labels_500.seconds`
(target < 60).

500 arranged orders, 250 on a Shopee shop and 250 on a TikTok shop of the sandbox (on a thread of
this process, over real HTTP), with the sandbox answering every API call after LATENCY seconds (a
marketplace is a network away) and Shopee generating its documents for DOCUMENT_SECONDS (PROCESSING,
then READY). The adapters keep the app's own rate limits (10 requests/s per Shopee shop, 50 per
TikTok shop). Timed: the labels job's body (app.domains.fulfillment.label_jobs.run) from the order
ids to the merged file on disk, checked to hold 500 pages. Registered under the "shipping" figure
prefix (bench/shipping.py holds the courier figures), so `make bench ONLY=shipping` runs it.
"""

from __future__ import annotations

import logging
import time

from bench import benchmark
from bench.adapters import sandbox_settings
from bench.environment import BenchEnvironment

log = logging.getLogger("bench.labels")

ORDERS = {"shopee": 250, "tiktok": 250}
LATENCY = 0.08  # seconds per marketplace API answer
DOCUMENT_SECONDS = 2.0  # Shopee's PROCESSING time per document batch


@benchmark("shipping.labels_500")
async def labels_500(env: BenchEnvironment) -> None:
    """shipping.labels_500.seconds."""
    with sandbox_settings() as (_server, state):
        await _run(env, state)


async def _run(env: BenchEnvironment, state) -> None:
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.fulfillment.label_jobs import labels_path, run
    from app.domains.fulfillment.pdf_drawing import page_count
    from app.domains.fulfillment.statuses import LabelSize
    from app.domains.orders.tables import Order
    from app.settings import get_settings
    from bench.sync import _connect, _sandbox_shop

    settings = get_settings()
    email = f"labels.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Sri Wahyuni", organization_name="Batik Pekalongan Jaya",
                                               email=email, password="bench-password-42"), ip="127.0.0.1")
    tenant = Tenant(org_id, Actor(user_id, "127.0.0.1", email))
    ids: list[int] = []
    for platform, count in ORDERS.items():
        shop = _sandbox_shop(state, platform, 20, settings)
        store_id = await _connect(tenant, state, shop)
        rows = []
        for _ in range(count):
            placed = state.create_order(platform, shop.shop_id, push=False)
            placed.tracking_number = ("SPXID0" if platform == "shopee" else "JX") + state.seed.digits(10)
            state.set_order_status(platform, shop.shop_id, placed.order_id,
                                   "PROCESSED" if platform == "shopee" else "AWAITING_COLLECTION", push=False)
            rows.append(Order(organization=org_id, store=store_id, channel=platform, platform_order_id=placed.order_id,
                              state="packed", customer_name="Pembeli"))
        await Order.insert(*rows)
        ids += [r["id"] for r in await Order.select(Order.id).where(Order.store == store_id).order_by(Order.id)]
    state.config.latency = LATENCY
    state.config.document_seconds = DOCUMENT_SECONDS
    state.reset_calls()
    t0 = time.perf_counter()
    result = await run(tenant, 0, ids, LabelSize.THERMAL)
    seconds = time.perf_counter() - t0
    pages = page_count(labels_path(org_id, 0).read_bytes())
    log.info("labels: %s in %.1fs, %d pages; %d API calls", result, seconds, pages, len(state.calls))
    if pages != len(ids) or result["failed"]:
        raise RuntimeError(f"labels job made {pages} pages for {len(ids)} orders: {result}")
    env.report("shipping.labels_500.seconds", round(seconds, 1), "s", len(ids))
