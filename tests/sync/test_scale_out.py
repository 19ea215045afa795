"""Scale-out: several `storesync serve` and `storesync worker` processes on one database and one
Redis, sharing nothing else. Any web process streams any job whichever worker runs it; a burst of
stock changes becomes one push however many workers there are; a cron job fires once per schedule,
not once per worker.

Every test here works on a queue of its own (tests/sync/processes.py): the run's shared queue
holds other tests' leftover jobs, which two fresh workers would otherwise work through first.
"""

from __future__ import annotations

import asyncio
import re
import time

import httpx

from app.core.queue import get_queue
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.jobs.tables import BackgroundJob
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.tables import SyncLog
from tests.inventory.factories import tenant_of
from tests.support import free_port, make_account, wait_http
from tests.sync.processes import (
    Process,
    child_env,
    own_queue,
    registered_workers,
    start_worker,
    wait_for,
    wait_for_workers,
)
from tests.sync.sync_helpers import catalog_for, connected_store


async def _stream(base: str, cookies: httpx.Cookies, job_id: int) -> tuple[list[str], list[int]]:
    """Follow /jobs/{id}/events on one web process until "done": the event names and percents."""
    events, percents = [], []
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
        async with client.stream("GET", f"/jobs/{job_id}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            event = None
            async for line in stream.aiter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                    events.append(event)
                elif line.startswith("data:") and event == "progress":
                    percents.append(int(re.search(r'data-percent="(\d+)"', line).group(1)))
                if event == "done":
                    break
    return events, percents


async def test_two_web_and_two_worker_processes_stream_any_job_through_either_web_process():
    account = await make_account()
    with own_queue():
        ports = [free_port(), free_port()]
        webs = [Process(["serve", "--port", str(port)], child_env(), f"web-{port}") for port in ports]
        # one job at a time per worker: two jobs started together run on different workers
        workers = [start_worker(f"worker-{n}", WORKER_CONCURRENCY="1") for n in (1, 2)]
        try:
            for port in ports:
                await asyncio.to_thread(wait_http, f"http://127.0.0.1:{port}/login", 60)
            await wait_for_workers(2, workers)
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            async with httpx.AsyncClient(base_url=bases[0], timeout=30) as first:
                await first.get("/login")
                response = await first.post("/login", data={"email": account.email, "password": account.password},
                                            headers={"x-csrftoken": first.cookies["ss_csrf"]})
                assert response.status_code == 303
                job_ids = []
                for _ in range(2):
                    started = await first.post("/jobs/demo", headers={"x-csrftoken": first.cookies["ss_csrf"],
                                                                      "HX-Request": "true"})
                    assert started.status_code == 200
                    job_ids.append(int(re.search(r'sse-connect="/jobs/(\d+)/events"', started.text).group(1)))
                cookies = first.cookies
                # each job followed live through both web processes at once (the session is in Redis)
                streams = await asyncio.gather(*[_stream(base, cookies, job_id) for job_id in job_ids for base in bases])
            for events, percents in streams:
                assert events[-1] == "done"
                assert percents[-1] == 100
                assert len(set(percents)) >= 3, f"expected several live updates, got {percents}"
                assert percents == sorted(percents), "progress never goes backwards"

            keys = [r["saq_key"] for r in await BackgroundJob.select(BackgroundJob.saq_key).where(
                BackgroundJob.id.is_in(job_ids))]
            ran_on = {job.worker_id for job in await get_queue().jobs(keys)}
            assert len(ran_on) == 2, f"the two jobs ran on two different worker processes, not {ran_on}"
        finally:
            for proc in [*webs, *workers]:
                proc.stop()


async def test_two_workers_push_a_burst_of_changes_once(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    variants = await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    variant_id = variants[sku.seller_sku.upper()]
    location = await default_location(tenant)

    def pushes() -> list:
        return [c for c in sandbox.calls_to("shopee", "/api/v2/product/update_stock") if c.shop_id == shop.shop_id]

    with own_queue():
        workers = [start_worker(f"worker-{n}") for n in (1, 2)]
        try:
            await wait_for_workers(2, workers)
            before = len(pushes())
            started = time.monotonic()
            for _ in range(10):  # ten changes within a second
                await stock.receive(tenant, variant_id, location["id"], 1, reason="burst")
            burst = time.monotonic() - started
            print(f"burst of ten changes: {burst:.2f} s")
            assert burst < 1.0, f"the burst took {burst:.2f} s: too slow to be a burst within a second"

            async def arrived() -> bool:
                return sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[sku.sku_id] == 10

            await wait_for(arrived, 60, "the burst to reach the marketplace")
            await asyncio.sleep(3)  # room for a duplicate push to show itself
            assert len(pushes()) - before == 1, f"expected one coalesced push, saw {len(pushes()) - before}"
            logged = await SyncLog.select(SyncLog.quantity).where(
                (SyncLog.organization == tenant.organization_id) & (SyncLog.action == "push") & (
                    SyncLog.variant_id == variant_id))
            assert [r["quantity"] for r in logged] == [10], logged
            assert await registered_workers() == 2
        finally:
            for proc in workers:
                proc.stop()


async def test_a_cron_job_fires_once_per_schedule_with_two_workers():
    """SAQ keys a cron job by its function: every worker tries to enqueue the next run, one
    succeeds. sweep_stock_changes runs every 10 s; over three slots each runs exactly once."""
    with own_queue():
        workers = [start_worker(f"worker-{n}") for n in (1, 2)]
        try:
            await wait_for_workers(2, workers)
            watch_from = time.time()
            # until three whole slots have passed after both workers were up
            first_slot = int(watch_from // 10) + 1
            await asyncio.sleep(max(0.0, (first_slot + 3) * 10 - time.time()) + 2)
            for proc in workers:
                assert proc.popen.poll() is None, proc.output()[-3000:]
            assert await registered_workers() == 2, "both workers were up all along"
        finally:
            logs = [proc.stop() for proc in workers]
    runs: dict[int, list[int]] = {}
    for n, log in enumerate(logs):
        for started in re.findall(r"Processing Job<function: sweep_stock_changes, .*?started: (\d+)", log):
            runs.setdefault(int(started) // 10_000, []).append(n)
    watched = {slot: who for slot, who in runs.items() if first_slot <= slot < first_slot + 3}
    assert sorted(watched) == [first_slot, first_slot + 1, first_slot + 2], (
        f"one run in each of the three slots, got {runs} (slots {first_slot}..{first_slot + 2})")
    assert all(len(who) == 1 for who in watched.values()), f"a slot ran more than once: {watched}"

