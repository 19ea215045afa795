"""Turning stock changes into store pushes: coalesced jobs, and a sweep over the outbox.

A stock operation signals 'available changed' after it commits; we enqueue one
push_stock_changes job per organisation, keyed so that many changes within a second become one
job. The job claims the outbox rows, works out which variants (and bundles using them) changed,
and pushes them to every active store. The sweep cron re-enqueues for any organisation whose
outbox still holds rows (a signal lost in a crash, or changes made while a push was running).
"""

from __future__ import annotations

import math
import time

from app.core import tasks
from app.core.clock import utcnow
from app.core.i18n import deferred
from app.core.queue import get_queue, job_options, task_job
from app.core.tenancy import Tenant
from app.domains import stores
from app.domains.catalog import bundles_containing, reorder_points
from app.domains.inventory import (
    AvailableChanged,
    availability,
    consume_changes,
    pending_changes,
)
from app.domains.notifications import notify
from app.domains.stores import StoreOfferChanged
from app.domains.sync.push import PushReport, push_store

COALESCE_SECONDS = 1.0


def push_job_key(organization_id: int) -> str:
    return f"stockpush:{organization_id}"


# Until when this process need not enqueue an organisation's push again, per queue. A change
# signalled while a job this process enqueued is still waiting needs no enqueue of its own: its
# outbox row was committed before the signal, and that job, which cannot start before it is due,
# reads the whole outbox when it runs. When SAQ refuses the enqueue because a job with the key
# exists (waiting, or running), asking again at once would only be refused again: wait a little.
_quiet_until: dict[tuple[str, int], float] = {}
DUE_MARGIN_SECONDS = 0.25  # clock differences between processes, and the worker's pick-up
REFUSED_RETRY_SECONDS = 0.25


async def push_on_change(event: AvailableChanged) -> None:
    """Listener of inventory's AvailableChanged (subscribed in app.wiring)."""
    await enqueue_push(event.organization_id)


async def push_store_on_change(event: StoreOfferChanged) -> None:
    """Listener of stores' StoreOfferChanged."""
    await enqueue_store_push(event.organization_id, event.store_id)


async def enqueue_push(organization_id: int) -> None:
    """Schedule one push of this organisation's changes shortly (coalesced by key). SAQ schedules
    in whole seconds: rounding up keeps at least COALESCE_SECONDS between the first change and the
    push (rounding down left as little as a few milliseconds, and a burst became several pushes).
    Hundreds of reservations a second cost a few Redis calls a second, not one each (above); a
    change that a running job missed is pushed by the next change's job or the sweep, as before."""
    queue = get_queue()
    slot, now = (queue.name, organization_id), time.time()
    if _quiet_until.get(slot, 0.0) > now:
        return
    scheduled = math.ceil(now + COALESCE_SECONDS)
    job = await queue.enqueue(task_job(
        tasks.push_stock_changes, key=push_job_key(organization_id), scheduled=scheduled, ttl=1,
        **job_options(timeout=900, retries=5))(organization_id=organization_id))
    _quiet_until[slot] = scheduled - DUE_MARGIN_SECONDS if job is not None else now + REFUSED_RETRY_SECONDS


async def enqueue_store_push(organization_id: int, store_id: int) -> None:
    """Push a store's changed offers after its rules changed (one queued job per store at a time)."""
    await get_queue().enqueue(task_job(
        tasks.push_stock, key=f"storepush:{organization_id}:{store_id}", **job_options(timeout=900, retries=5))(
        organization_id=organization_id, store_id=store_id))


async def push_changes(tenant: Tenant) -> list[PushReport]:
    """Push every variant whose available changed since the last run to every active store."""
    pending = await pending_changes(tenant, limit=20_000)
    if not pending:
        return []
    watermark = pending[-1].id
    variants = sorted({r.variant for r in pending})
    variants += await bundles_containing(tenant, variants)
    await _warn_low_stock(tenant, variants)
    reports = []
    for store in await stores.active_stores(tenant):
        if store.auto_push_stock:
            reports.append(await push_store(tenant, store.id, variant_ids=variants))
    if any(r.errors for r in reports):
        # A batch failed after others were sent (push_store swallows that): its listings keep
        # their old quantity, so keep the outbox for the sweep's next run; what was sent is skipped.
        return reports
    # Exactly the rows read: a transaction that was still open when they were read (a page of
    # orders) may commit rows with lower ids than the watermark, and those are not pushed yet.
    await consume_changes(tenant, [r.id for r in pending], watermark=watermark)
    return reports


async def _warn_low_stock(tenant: Tenant, variant_ids: list[int]) -> None:
    """A notification (once a day per variant) for changed variants at or below their reorder point."""
    points = await reorder_points(tenant, variant_ids)
    if not points:
        return
    totals = await availability(tenant, points)
    today = utcnow().date().isoformat()
    for variant_id, row in points.items():
        available = totals.get(variant_id, {}).get("available", 0)
        if available <= row["reorder_point"]:
            await notify(tenant, "low_stock", deferred("%(sku)s: %(n)s available", sku=row["sku"], n=available), link=f"/inventory?q={row['sku']}",
                         dedupe_key=f"low:{variant_id}:{today}")
