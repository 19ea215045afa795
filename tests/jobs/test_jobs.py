"""Background jobs: started from the UI, run by a SAQ worker, progress and outcome recorded."""

from __future__ import annotations

import asyncio

from app.domains.jobs.tables import BackgroundJob
from tests.support import post


async def _wait_finished(job_id: int, timeout: float = 20) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        row = await BackgroundJob.select().where(BackgroundJob.id == job_id).first()
        if row["status"] in ("complete", "failed", "aborted"):
            return row
        await asyncio.sleep(0.1)
    raise AssertionError("job did not finish")


async def test_demo_job_runs_and_its_outcome_is_kept(owner_client, worker):
    response = await post(owner_client, "/jobs/demo", htmx=True)
    assert response.status_code == 200
    assert 'sse-connect="/jobs/' in response.text
    row = await BackgroundJob.select().where(BackgroundJob.organization == owner_client.account.org_id).first()
    finished = await _wait_finished(row["id"])
    assert finished["status"] == "complete"
    assert finished["done"] == finished["total"] == 20
    page = await owner_client.get(f"/jobs/{row['id']}")
    assert "100 %" in page.text


async def test_viewer_cannot_start_jobs(app):
    from tests.support import add_member, http_client, login, make_account

    account = await make_account()
    viewer = await add_member(account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        assert (await post(client, "/jobs/demo", htmx=True)).status_code == 403
    assert await BackgroundJob.count().where(BackgroundJob.organization == account.org_id) == 0


async def test_a_tests_worker_starts_without_the_jobs_earlier_tests_left_queued():
    import time

    from saq.job import Status

    from app.core.queue import get_queue
    from tests.support import _drop_jobs_left_by_earlier_tests, unique

    queue = get_queue()
    left = await queue.enqueue("demo_count", key=unique("left-over"), steps=1, delay=0)
    assert left is not None
    assert await _drop_jobs_left_by_earlier_tests(int(time.time() * 1000) + 1) >= 1
    await left.refresh()
    assert left.status in (Status.ABORTING, Status.ABORTED)
    mine = await queue.enqueue("demo_count", key=unique("mine"), steps=1, delay=0)
    assert mine is not None
    await _drop_jobs_left_by_earlier_tests(mine.queued)  # enqueued by this test: kept
    await mine.refresh()
    assert mine.status == Status.QUEUED
    await queue.abort(mine, "done")
