"""Cancel a queued or running job and retry a failed one from the UI, with a real SAQ worker."""

from __future__ import annotations

import asyncio

from app.core import tasks
from app.core.queue import get_queue
from app.domains.audit.tables import AuditEntry
from app.domains.jobs import services
from app.domains.jobs.tables import BackgroundJob
from tests.inventory.factories import tenant_of
from tests.support import add_member, http_client, login, post


async def _row(job_id: int) -> dict:
    return await BackgroundJob.select().where(BackgroundJob.id == job_id).first()


async def _finished_row(job_id: int, timeout: float = 20) -> dict:
    """The row once the worker has recorded the outcome (just after SAQ announces it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        row = await _row(job_id)
        if row["status"] in ("complete", "failed", "aborted", "cancelled"):
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} was not recorded as finished")


async def _until_active(key: str) -> None:
    queue = get_queue()
    job = await queue.job(key)
    if job.status.value != "active":
        await queue.listen([key], lambda _key, status: status.value == "active", timeout=20)


async def test_a_running_job_is_cancelled_and_stops_cleanly(owner_client, worker):
    tenant = tenant_of(owner_client.account)
    row = await services.start(tenant, tasks.demo_count, "Long demo", timeout=300, retries=1, steps=400, delay=0.05)
    await _until_active(row.saq_key)
    page = await owner_client.get(f"/jobs/{row.id}")
    assert f'id="cancel-job-{row.id}"' in page.text

    response = await post(owner_client, f"/jobs/{row.id}/cancel", htmx=True)

    assert response.status_code == 200 and f'id="job-{row.id}"' in response.text
    job = await get_queue().job(row.saq_key)
    await job.refresh(until_complete=20)
    assert job.status.value == "aborted"
    finished = await _finished_row(row.id)
    assert finished["status"] == "cancelled" and finished["error"] is None
    assert finished["done"] < 400  # it stopped, it did not run to the end
    shown = await owner_client.get(f"/jobs/{row.id}")
    assert "cancelled" in shown.text and f'id="retry-job-{row.id}"' in shown.text
    # the worker is fine afterwards: the next job runs to completion
    nxt = await services.start(tenant, tasks.demo_count, "Short demo", timeout=60, retries=1, steps=2, delay=0)
    done = await get_queue().job(nxt.saq_key)
    await done.refresh(until_complete=20)
    assert done.status.value == "complete"
    outcome = await owner_client.get(f"/jobs/{nxt.id}")
    assert "<strong>2</strong> steps" in outcome.text  # the finished job says what it did
    assert await AuditEntry.count().where((AuditEntry.action == "job.cancelled") & (AuditEntry.entity_id == row.id)) == 1


async def test_a_queued_job_is_cancelled_before_it_starts(owner_client):
    tenant = tenant_of(owner_client.account)
    row = await services.start(tenant, tasks.demo_count, "Queued demo", timeout=60, retries=1, steps=3, delay=0)

    response = await post(owner_client, f"/jobs/{row.id}/cancel")  # a plain form post, no htmx

    assert response.status_code == 303 and response.headers["location"] == f"/jobs/{row.id}"
    assert (await _row(row.id))["status"] == "cancelled"
    assert (await get_queue().job(row.saq_key)).status.value == "aborted"
    again = await post(owner_client, f"/jobs/{row.id}/cancel", htmx=True)
    assert again.status_code == 409 and "already finished" in again.text


async def test_a_failed_job_is_retried_as_a_new_job_with_the_same_request(owner_client, worker):
    tenant = tenant_of(owner_client.account)
    failing = await services.start(tenant, tasks.demo_count, "Broken demo", timeout=60, retries=1, steps="x", delay=0)
    job = await get_queue().job(failing.saq_key)
    await job.refresh(until_complete=20)
    assert (await _finished_row(failing.id))["status"] == "failed"
    listing = await owner_client.get("/jobs")
    assert f'action="/jobs/{failing.id}/retry"' in listing.text

    response = await post(owner_client, f"/jobs/{failing.id}/retry", htmx=True)

    assert response.status_code == 200
    newest = await BackgroundJob.select().where(BackgroundJob.organization == owner_client.account.org_id).order_by(
        BackgroundJob.id, ascending=False).first()
    assert newest["id"] != failing.id and newest["label"] == "Broken demo" and newest["kind"] == "demo_count"
    assert f'id="job-{newest["id"]}"' in response.text
    retried = await get_queue().job(newest["saq_key"])
    await retried.refresh(until_complete=20)
    assert retried.kwargs["steps"] == "x" and retried.kwargs["background_job_id"] == newest["id"]
    assert (await _finished_row(newest["id"]))["status"] == "failed"  # same request, same outcome, shown again
    refused = await post(owner_client, f"/jobs/{newest['id']}/cancel", htmx=True)
    assert refused.status_code == 409


async def test_a_viewer_cannot_cancel_or_retry(app, owner_client):
    tenant = tenant_of(owner_client.account)
    row = await services.start(tenant, tasks.demo_count, "Queued demo", timeout=60, retries=1, steps=3, delay=0)
    viewer = await add_member(owner_client.account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        page = await client.get(f"/jobs/{row.id}")
        assert "cancel-job" not in page.text
        assert (await post(client, f"/jobs/{row.id}/cancel", htmx=True)).status_code == 403
        assert (await post(client, f"/jobs/{row.id}/retry", htmx=True)).status_code == 403
    assert (await _row(row.id))["status"] == "queued"
    await services.cancel(tenant, row.id)
