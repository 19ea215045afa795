"""Crash safety with real worker processes: kill -9 a worker halfway through a large order fetch
and halfway through a large stock push. A restarted worker's sweep takes the dead job back once
its heartbeat has gone silent and runs it again; afterwards every order exists exactly once and
every listing shows, on the marketplace, the quantity current stock gives it.

Sizes: the issue's 5,000 orders and 2,000 listings; about 140 s on SQLite on this 2-core machine
(idle, 2026-12-05; the re-run of the fetch about 65 s of it since rollup refreshes coalesce).
CRASH_ORDERS / CRASH_LISTINGS change them.
"""

from __future__ import annotations

import json
import os
import re
import time

from saq.job import Status

from app.core.queue import get_queue
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockMovement
from app.domains.jobs.statuses import JobStatus
from app.domains.jobs.tables import BackgroundJob
from app.domains.orders.tables import Order, OrderLine
from app.domains.stores.tables import Store
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.push import offers_for_store
from app.domains.sync.tables import SyncLog
from tasks.orders import order_fetch_job
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.sync.processes import Process, own_queue, start_worker, wait_for, wait_for_workers
from tests.sync.sync_helpers import catalog_for, connected_store

ORDERS = int(os.environ.get("CRASH_ORDERS", 5_000))
LISTINGS = int(os.environ.get("CRASH_LISTINGS", 2_000))


async def _saq_job(key: str):
    return await get_queue().job(key)


async def kill_halfway(key: str, total: int, worker: Process) -> int:
    """kill -9 ``worker`` once the job ``key`` has reported at least half of ``total`` done; returns
    how far it had got."""

    async def halfway():
        job = await _saq_job(key)
        done = (job.meta or {}).get("done", 0) if job and job.status == Status.ACTIVE else 0
        return done if done >= total // 2 else 0

    done = await wait_for(halfway, 120, f"job {key} to get halfway", every=0.05)
    worker.kill9()
    dead = await _saq_job(key)
    assert dead.status == Status.ACTIVE and dead.attempts == 1, "killed mid-run: Redis still believes it runs"
    assert (dead.meta or {}).get("done", 0) < total, "the kill came too late to be a crash mid-run"
    return done


async def rerun_after_restart(key: str, name: str) -> tuple[object, str, float]:
    """Start a new worker and wait for it to take the dead job back and finish it; the final SAQ
    job, the new worker's log and the seconds it took."""
    started = time.monotonic()
    worker = start_worker(name)
    try:
        async def finished():
            job = await _saq_job(key)
            return job if job and job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED) else None

        final = await wait_for(finished, 300, f"the re-run of {key} to finish", every=0.25)
    finally:
        log = worker.stop()
    assert final.status == Status.COMPLETE, (final.status, final.error, log[-3000:])
    assert final.attempts == 2, f"one crashed attempt and one complete re-run, not {final.attempts}"
    swept = [line for line in log.splitlines() if "Sweeping job" in line and f"key: {key}" in line]
    retried = [line for line in log.splitlines() if "Retrying" in line and f"key: {key}" in line]
    assert swept and retried, f"the new worker logged taking the dead job back:\n{log[-3000:]}"
    return final, log, time.monotonic() - started


async def test_kill_worker_mid_fetch_and_mid_push(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    while sum(len(p.skus) for p in shop.products.values()) < LISTINGS:
        sandbox.add_products("tiktok", shop.shop_id, 100)
    # The jobs under test are the only ones to touch this store: no scheduled order fetch, and
    # stock changes do not start pushes of their own (the Sync page's push sends everything).
    await Store.update({Store.auto_import_orders: False, Store.auto_push_stock: False}).where(
        Store.id == store["id"])
    variants = await catalog_for(tenant, shop)
    counts = await import_store_listings(tenant, store["id"])
    assert counts.unmapped == 0 and counts.created >= LISTINGS
    location = await default_location(tenant)
    await stock.count_many(tenant, [stock.Line(variant_id, location["id"], 1_000 + n % 17)
                                    for n, variant_id in enumerate(sorted(variants.values()))], reference="crash-test")
    orders = [sandbox.create_order("tiktok", shop.shop_id, push=False) for _ in range(ORDERS)]

    with own_queue():
        # -- 1. the scheduled order fetch, killed halfway ------------------------------------
        first = start_worker("fetch-1")
        try:
            await wait_for_workers(1, [first])
            key = f"crash-fetch:{store['id']}"
            assert await get_queue().enqueue(order_fetch_job(tenant.organization_id, store["id"], key=key))
            done = await kill_halfway(key, ORDERS, first)
        finally:
            first.stop()
        assert 0 < await Order.count().where(Order.store == store["id"]) < ORDERS, "the crash left a partial import"
        final, _log, seconds = await rerun_after_restart(key, "fetch-2")
        print(f"fetch: killed at {done}/{ORDERS}; re-run finished {seconds:.1f} s after the restart")
        assert final.result["seen"] == ORDERS
        rows = await Order.select(Order.id, Order.platform_order_id, Order.stock_state).where(
            Order.store == store["id"])
        assert sorted(r["platform_order_id"] for r in rows) == sorted(o.order_id for o in orders), "each order once"
        assert {r["stock_state"] for r in rows} == {"reserved"}
        lines = await OrderLine.count().where(OrderLine.order.is_in([r["id"] for r in rows]))
        assert lines == sum(len(o.lines) for o in orders)
        assert await StockMovement.count().where(
            (StockMovement.organization == tenant.organization_id) & (StockMovement.kind == "reserve")) == lines, \
            "one reservation per order line, however many attempts"

        # -- 2. the Sync page's stock push, killed halfway -----------------------------------
        total = len(await offers_for_store(tenant, store["id"]))
        assert total >= LISTINGS
        first = start_worker("push-1")
        try:
            await wait_for_workers(1, [first])
            response = await post(owner_client, f"/sync/stores/{store['id']}/push", htmx=True)
            assert response.status_code == 200, response.text[:300]
            row = await BackgroundJob.objects().get(
                BackgroundJob.id == int(re.search(r"/jobs/(\d+)/events", response.text).group(1)))
            done = await kill_halfway(row.saq_key, total, first)
        finally:
            first.stop()
        # Stock moves while no worker runs: the re-run must send what stock is now, not what
        # the dead attempt had worked out.
        changed = sorted(variants.values())[::max(1, len(variants) // 25)]
        for variant_id in changed:
            await stock.receive(tenant, variant_id, location["id"], 7, reason="arrived during the outage")
        final, _log, seconds = await rerun_after_restart(row.saq_key, "push-2")
        print(f"push: killed at {done}/{total}; re-run finished {seconds:.1f} s after the restart")

    offers = await offers_for_store(tenant, store["id"])
    assert len(offers) == total
    wrong = []
    for listing, quantity in offers:
        on_platform = sandbox.listing_stock("tiktok", shop.shop_id, listing.platform_item_id)[
            listing.platform_model_id]
        if on_platform != quantity or listing.last_pushed_qty != quantity:
            wrong.append((listing.id, on_platform, listing.last_pushed_qty, quantity))
    assert not wrong, f"{len(wrong)} of {total} listings are wrong, e.g. {wrong[:5]}"
    assert any(listing.variant in changed for listing, _q in offers)
    # The job and its two attempts are on record: the row finished, every listing was logged by the
    # re-run, and the ones the dead attempt had sent were logged then too.
    row = await BackgroundJob.objects().get(BackgroundJob.id == row.id)
    result = json.loads(row.result) if isinstance(row.result, str) else row.result  # JSON is text on SQLite
    assert row.status == JobStatus.COMPLETE and result["sent"] == total, (row.status, result)
    logged = await SyncLog.count().where((SyncLog.background_job == row.id) & (SyncLog.action == "push"))
    assert logged >= total + done, (logged, total, done)
