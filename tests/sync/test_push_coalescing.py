"""A burst of stock changes in one process asks Redis for one push job, not one per change, and
never skips the enqueue while no job of its own is waiting."""

from __future__ import annotations

from app.domains.sync import dispatch


class FakeQueue:
    name = "coalescing-test"

    def __init__(self, accept: bool = True) -> None:
        self.accept = accept
        self.jobs = []

    async def enqueue(self, job):
        self.jobs.append(job)
        return job if self.accept else None


def _clock(monkeypatch, start: float) -> list[float]:
    now = [start]
    monkeypatch.setattr(dispatch.time, "time", lambda: now[0])
    return now


async def test_changes_while_our_job_waits_enqueue_nothing_more_and_the_next_after_it_is_due_does(monkeypatch):
    queue = FakeQueue()
    monkeypatch.setattr(dispatch, "get_queue", lambda: queue)
    monkeypatch.setattr(dispatch, "_quiet_until", {})
    now = _clock(monkeypatch, 1_000.4)
    for _ in range(500):
        await dispatch.enqueue_push(7)
    assert len(queue.jobs) == 1
    due = queue.jobs[0].scheduled
    assert due >= 1_000.4 + dispatch.COALESCE_SECONDS
    await dispatch.enqueue_push(8)  # another organisation has its own job
    assert [j.kwargs["organization_id"] for j in queue.jobs] == [7, 8]
    now[0] = due - dispatch.DUE_MARGIN_SECONDS - 0.01
    await dispatch.enqueue_push(7)
    assert len(queue.jobs) == 2  # still well before the job runs
    now[0] = due - dispatch.DUE_MARGIN_SECONDS + 0.01
    await dispatch.enqueue_push(7)
    assert len(queue.jobs) == 3  # too close to the run: it may have read the outbox already


async def test_a_refused_enqueue_is_retried_shortly_not_on_every_change(monkeypatch):
    queue = FakeQueue(accept=False)  # a job with the key exists (waiting or running)
    monkeypatch.setattr(dispatch, "get_queue", lambda: queue)
    monkeypatch.setattr(dispatch, "_quiet_until", {})
    now = _clock(monkeypatch, 2_000.0)
    for _ in range(100):
        await dispatch.enqueue_push(9)
    assert len(queue.jobs) == 1
    now[0] += dispatch.REFUSED_RETRY_SECONDS + 0.01
    queue.accept = True
    await dispatch.enqueue_push(9)
    assert len(queue.jobs) == 2


async def test_a_change_committed_late_below_the_watermark_stays_in_the_outbox(monkeypatch):
    """A page of orders commits its outbox rows after a push read the outbox, with lower ids than
    the rows that push read: the push marks only what it read, the late row waits for the next."""
    from app.domains.inventory.tables import StockChange
    from app.domains.stores import services as stores
    from tests.inventory.factories import make_tenant, make_variant

    tenant = await make_tenant()
    variant = await make_variant(tenant)
    rows = [StockChange(organization=tenant.organization_id, variant=variant["id"]) for _ in range(2)]
    await StockChange.insert(*rows)
    late_id = rows[0].id
    await StockChange.delete().where(StockChange.id == late_id)  # not committed yet when the push reads

    async def no_stores_but_the_late_commit(_tenant):
        await StockChange.insert(StockChange(id=late_id, organization=tenant.organization_id, variant=variant["id"]))
        return []

    monkeypatch.setattr(stores, "active_stores", no_stores_but_the_late_commit)
    await dispatch.push_changes(tenant)
    pending = await StockChange.select(StockChange.id).where(
        (StockChange.organization == tenant.organization_id) & StockChange.consumed_at.is_null())
    assert [r["id"] for r in pending] == [late_id]
