"""A job that failed says why in a sentence a seller can act on, in their language: never the
exception's class, module or the marketplace's request id (what the worker's traceback ends with)."""

from __future__ import annotations

import asyncio

from app.core import tasks
from app.core.queue import get_queue
from app.domains.jobs import services as jobs
from app.domains.jobs.tables import BackgroundJob
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.sync.sync_helpers import connected_store

RAW = ("AuthError", "app.integrations", "request_id", "refresh_token", "Traceback")


async def _failed(job_id: int) -> dict:
    for _ in range(400):
        row = await BackgroundJob.select().where(BackgroundJob.id == job_id).first()
        if row["status"] == "failed":
            return row
        await asyncio.sleep(0.05)
    raise AssertionError("the job was not recorded as failed")


async def test_a_job_failed_on_a_lost_marketplace_connection_says_reconnect(owner_client, sandbox, worker):
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    sandbox.expire_tokens("shopee", shop.shop_id, refresh_too=True)  # the seller unlinked the app
    row = await jobs.start(tenant_of(owner_client.account), tasks.import_listings, "Import", timeout=60, retries=1,
                           store_id=store["id"])
    job = await get_queue().job(row.saq_key)

    live = await owner_client.get(f"/jobs/{row.id}")  # while Redis still has the job
    await job.refresh(until_complete=30)
    await _failed(row.id)
    live = await owner_client.get(f"/jobs/{row.id}")

    assert "The job failed: The connection to this store has expired. Please reconnect the store." in live.text
    assert not [raw for raw in RAW if raw in live.text]

    await get_queue().redis.delete(job.id)  # Redis forgot it: the page reads the row
    from_row = await owner_client.get(f"/jobs/{row.id}")
    assert "Please reconnect the store." in from_row.text
    assert not [raw for raw in RAW if raw in from_row.text]

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = await owner_client.get(f"/jobs/{row.id}")
    assert "Tugas gagal: Koneksi ke toko ini sudah kedaluwarsa. Hubungkan ulang toko." in indonesian.text


async def test_a_job_failed_on_a_programming_error_does_not_show_it(owner_client, worker):
    row = await jobs.start(tenant_of(owner_client.account), tasks.demo_count, "Broken demo", timeout=60, retries=1,
                           steps="x", delay=0)
    job = await get_queue().job(row.saq_key)
    await job.refresh(until_complete=30)
    await _failed(row.id)

    page = await owner_client.get(f"/jobs/{row.id}")

    assert "The job failed: an unexpected error; it is in the worker&#39;s log" in page.text
    assert "TypeError" not in page.text and "Traceback" not in page.text
