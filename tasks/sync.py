"""Sync tasks: listing import, stock pushes (on change, on demand, by sweep), reconcile."""

from __future__ import annotations

from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress
from app.core.tenancy import Actor, Tenant


def _tenant(organization_id: int) -> Tenant:
    return Tenant(organization_id, Actor(None, "worker"))


@implements(contracts.import_listings)
async def import_listings(ctx: WorkerContext, *, organization_id: int, store_id: int,
                          background_job_id: int | None = None) -> dict[str, int]:
    from app.domains.sync.listing_import import import_store_listings

    async def progress(seen: int, current: str) -> None:
        # The total is unknown until the last page; show what has arrived so far.
        await report_progress(ctx, seen, seen + 50, current=current[:80])

    counts = await import_store_listings(_tenant(organization_id), store_id, progress=progress,
                                         background_job_id=background_job_id)
    await report_progress(ctx, counts.created + counts.updated, counts.created + counts.updated)
    return {"created": counts.created, "updated": counts.updated, "auto_mapped": counts.auto_mapped,
            "unmapped": counts.unmapped}


@implements(contracts.push_stock)
async def push_stock(ctx: WorkerContext, *, organization_id: int, store_id: int, force: bool = False,
                     background_job_id: int | None = None) -> dict[str, Any]:
    """Push every mapped listing of a store whose offer changed (all of them with force)."""
    from app.domains.sync.push import push_store

    async def progress(done: int, total: int) -> None:
        await report_progress(ctx, done, total)

    report = await push_store(_tenant(organization_id), store_id, force=force, progress=progress,
                              background_job_id=background_job_id)
    return {"considered": report.considered, "sent": report.sent, "failed": report.failed,
            "skipped": report.skipped_reason}


@implements(contracts.reconcile)
async def reconcile(ctx: WorkerContext, *, organization_id: int, store_id: int,
                    background_job_id: int | None = None, confirm_zero: list[int] | None = None) -> dict[str, Any]:
    """Re-read the store's listings, then fix every quantity that drifted (our figure wins); a
    selling listing goes to 0 only when the seller confirmed it (its id in confirm_zero)."""
    from app.domains.sync.reconcile import reconcile_store

    async def progress(done: int, total: int) -> None:
        await report_progress(ctx, done, total)

    result = await reconcile_store(_tenant(organization_id), store_id, progress=progress,
                                   background_job_id=background_job_id, confirm_zero=confirm_zero or ())
    return result


@implements(contracts.push_stock_changes)
async def push_stock_changes(ctx: WorkerContext, *, organization_id: int) -> dict[str, int]:
    from app.domains.sync.dispatch import push_changes

    reports = await push_changes(_tenant(organization_id))
    return {"stores": len(reports), "sent": sum(r.sent for r in reports), "failed": sum(r.failed for r in reports)}


async def sweep_stock_changes(ctx: WorkerContext) -> dict[str, int]:
    """Cron: enqueue pushes for organisations whose outbox still holds changes."""
    from app.domains.inventory import organisations_with_pending_changes
    from app.domains.sync.dispatch import enqueue_push

    orgs = await organisations_with_pending_changes()
    for organization_id in orgs:
        await enqueue_push(organization_id)
    return {"organisations": len(orgs)}


@implements(contracts.push_prices)
async def push_prices(ctx: WorkerContext, *, organization_id: int, store_id: int | None = None,
                      force: bool = False) -> dict[str, Any]:
    """Send catalog prices (with each store's markup) where the marketplace's differ: one store,
    or every store that takes prices from the catalog."""
    from app.domains.sync.prices import push_prices as push_store_prices
    from app.domains.sync.prices import push_prices_everywhere

    tenant = _tenant(organization_id)
    reports = ([await push_store_prices(tenant, store_id, force=force)] if store_id is not None
               else await push_prices_everywhere(tenant))
    return {"sent": sum(r.sent for r in reports), "failed": sum(r.failed for r in reports),
            "skipped": [r.skipped_reason for r in reports if r.skipped_reason]}
