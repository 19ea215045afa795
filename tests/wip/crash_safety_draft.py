"""Crash safety with real worker processes: kill -9 a worker halfway through a large order fetch
and halfway through a large stock push; a restarted worker sweeps the dead job, retries it, and
afterwards every order exists exactly once and every listing shows the right quantity.

The worker subprocesses reach the sandbox over HTTP (its base URLs go in their environment) and
share the test run's database, Redis and queue.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

from saq.job import Job, Status

from app.core.queue import get_queue
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockChange, StockMovement
from app.domains.listings.tables import Listing
from app.domains.orders.tables import Order, OrderLine
from app.domains.stores.tables import Store
from app.domains.sync.imports import import_store_listings
from app.domains.sync.push import offers_for_store
from tests.inventory.factories import tenant_of
from tests.stores.sync_helpers import catalog_for, connected_store
from tests.support import spawn, stop

ORDERS = 600
LISTINGS = 1_000
HEARTBEAT = 10  # seconds without a progress update before a sweep calls the job stuck


def worker_env(marketplace) -> dict[str, str]:
    return {"SHOPEE_API_BASE": f"{marketplace.url}/shopee", "TIKTOK_API_BASE": f"{marketplace.url}/tiktok",
            "TIKTOK_AUTH_BASE": f"{marketplace.url}/tiktok-auth",
            "TIKTOK_AUTHORIZE_URL": f"{marketplace.url}/tiktok-services/open/authorize"}


async def wait_for(predicate, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := await predicate():
            return value
        await asyncio.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


async def start_worker(env):
    """A worker process, returned once it has run its start-up sweep. The sweep lock a previous
    worker took lasts its sweep period (60 s by default), so a restart within it would not sweep
    until then: drop the lock so the new worker sweeps at once."""
    queue = get_queue()
    await queue.redis.delete(queue.namespace("sweep"))
    proc = spawn(["worker"], **env)

    async def swept():
        return await queue.redis.exists(queue.namespace("sweep"))

    await wait_for(swept, 30, "the worker to start")
    await asyncio.sleep(0.3)
    return proc


async def crash_and_recover(marketplace, job: Job, halfway) -> tuple[Job, str]:
    """Run ``job`` on a worker process, kill -9 it once ``halfway(job)`` holds, start another worker,
    and wait for the retried job to complete. Returns the final job and the second worker's log."""
    queue = get_queue()
    env = worker_env(marketplace)
    first = await start_worker(env)
    # enqueued once the worker is up: SAQ's start-up sweep can take a job it is dequeuing that
    # very moment for a dead one (swept, aborted, the rerun cancelled by the abort it left behind)
    assert await queue.enqueue(job) is not None
    try:
        async def reached():
            current = await queue.job(job.key)
            return current is not None and current.status == Status.ACTIVE and halfway(current)

        await wait_for(reached, 60, "the job to get halfway")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
        stop(first)
    dead = await queue.job(job.key)
    assert dead.status == Status.ACTIVE, "killed mid-run: Redis still believes it is running"
    await asyncio.sleep(HEARTBEAT + 0.5)  # past the heartbeat: the dead job is now stuck
    second = await start_worker(env)
    try:
        async def finished():
            current = await queue.job(job.key)
            return current if current and current.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED) else None

        final = await wait_for(finished, 60, "the retried job to finish", every=0.25)
    finally:
        log = stop(second)
        open("/tmp/worker2.txt", "w").write(log + str(await queue.job(job.key)))
    assert final.status == Status.COMPLETE, (final.status, final.error, log[-3000:])
    assert final.attempts >= 2, "the job ran again after the crash"
    assert "Sweeping job" in log, "the restarted worker swept the dead job"
    return final, log


async def test_kill_worker_mid_fetch_and_mid_push(owner_client, sandbox, marketplace):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok", products=0)
    while sum(len(p.skus) for p in shop.products.values()) < LISTINGS:
        sandbox.add_products("tiktok", shop.shop_id, 50)
    # no scheduled fetch of this store races the one under test
    await Store.update({Store.auto_import_orders: False}).where(Store.id == store["id"])
    variants = await catalog_for(tenant, shop)
    counts = await import_store_listings(tenant, store["id"])
    assert counts.unmapped == 0 and counts.created >= LISTINGS
    location = await default_location(tenant)
    for n, variant_id in enumerate(sorted(variants.values())):
        await stock.receive(tenant, variant_id, location["id"], 5_000 + n % 17)
    # Leave the pushes to the job under test: drop the coalesced push those receipts scheduled.
    queue = get_queue()
    if scheduled := await queue.job(f"stockpush:{tenant.organization_id}"):
        await queue.abort(scheduled, "test set-up")
    await StockChange.update({StockChange.consumed_at: StockChange.created_at}).where(
        StockChange.organization == tenant.organization_id)

    # -- 1. an order fetch of 2,000 orders, killed halfway ---------------------------------
    orders = [sandbox.create_order("tiktok", shop.shop_id, push=False) for _ in range(ORDERS)]
    fetch = Job(function="fetch_orders", kwargs={"organization_id": tenant.organization_id, "store_id": store["id"]},
                key=f"crash-fetch:{store['id']}", timeout=600, heartbeat=HEARTBEAT, retries=3)
    final, _log = await crash_and_recover(
        marketplace, fetch, lambda job: (job.meta or {}).get("done", 0) >= ORDERS // 3)
    assert final.result["seen"] == ORDERS
    rows = await Order.select(Order.id, Order.platform_order_id, Order.stock_state).where(Order.store == store["id"])
    assert sorted(r["platform_order_id"] for r in rows) == sorted(o.order_id for o in orders), "each order once"
    assert {r["stock_state"] for r in rows} == {"reserved"}
    lines = await OrderLine.count().where(OrderLine.order.is_in([r["id"] for r in rows]))
    assert lines == sum(len(o.lines) for o in orders)
    assert await StockMovement.count().where(
        (StockMovement.organization == tenant.organization_id) & (StockMovement.kind == "reserve")) == lines

    # -- 2. a push of 1,000+ listings, killed halfway --------------------------------------
    if scheduled := await queue.job(f"stockpush:{tenant.organization_id}"):
        await queue.abort(scheduled, "test set-up")  # the reservations' push: ours does it
    push = Job(function="push_stock", kwargs={"organization_id": tenant.organization_id, "store_id": store["id"],
                                              "force": True},
               key=f"crash-push:{store['id']}", timeout=600, heartbeat=HEARTBEAT, retries=3)
    total = await Listing.count().where(Listing.store == store["id"])
    final, _log = await crash_and_recover(
        marketplace, push, lambda job: (job.meta or {}).get("done", 0) >= total // 3)
    offers = await offers_for_store(tenant, store["id"])
    assert len(offers) == total >= LISTINGS
    wrong = []
    for row, qty in offers:
        on_platform = sandbox.listing_stock("tiktok", shop.shop_id, row["platform_item_id"])[row["platform_model_id"]]
        if on_platform != qty or row["last_pushed_qty"] != qty:
            wrong.append((row["id"], on_platform, row["last_pushed_qty"], qty))
    assert not wrong, f"{len(wrong)} listings are wrong, e.g. {wrong[:5]}"
