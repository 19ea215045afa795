"""Publishing tasks: the daily refresh of each marketplace's category tree (cron only), bulk publish,
sending a product's edits to one of its listings, and putting a listing on sale or taking it off sale."""

from __future__ import annotations

from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress


async def refresh_category_trees(ctx: WorkerContext) -> dict[str, Any]:
    """Re-read every platform's category tree into the cache, through one of its active stores."""
    from app.domains.publishing import refresh_trees

    report = await refresh_trees()
    return {"refreshed": report.refreshed}


@implements(contracts.publish_products)
async def publish_products(ctx: WorkerContext, *, organization_id: int, background_job_id: int, store_id: int,
                           product_ids: list[int], actor_id: int | None = None, draft: bool = False,
                           tokopedia: bool = False) -> dict[str, Any]:
    """Publish the ticked products one by one, reporting progress; the per-product results are the
    job's outcome (the results page reads them)."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.publishing import publish_many

    async def progress(done: int, total: int, current: str, failed: int) -> None:
        await report_progress(ctx, done, total, current=current, errors=failed)

    tenant = Tenant(organization_id, Actor(actor_id))
    results = await publish_many(tenant, store_id, product_ids, progress, draft=draft, tokopedia=tokopedia)
    return {"store_id": store_id, "published": sum(1 for r in results if r.listing_id),
            "refused": sum(1 for r in results if not r.listing_id),
            "results": [{"product_id": r.product_id, "name": r.name, "listing_id": r.listing_id, "errors": r.errors}
                        for r in results]}


@implements(contracts.send_listing_changes)
async def send_listing_changes(ctx: WorkerContext, *, organization_id: int, background_job_id: int, product_id: int,
                               listing_row_id: int, actor_id: int | None = None) -> dict[str, Any]:
    """Send the product's content to the listing; a refusal is the job's outcome (shown on its page)."""
    from app.core.errors import ValidationFailed
    from app.core.tenancy import Actor, Tenant
    from app.domains.publishing import send_changes

    await report_progress(ctx, 0, 1, current=str(product_id))
    try:
        changes = await send_changes(Tenant(organization_id, Actor(actor_id)), product_id, listing_row_id)
    except ValidationFailed as refused:
        await report_progress(ctx, 1, 1, errors=1)
        return {"sent": False, "errors": dict(refused.errors)}
    await report_progress(ctx, 1, 1)
    return {"sent": True, "store_id": changes.store_id, "listing": changes.item_id}


@implements(contracts.change_listing_sale)
async def change_listing_sale(ctx: WorkerContext, *, organization_id: int, background_job_id: int, listing_id: int,
                              state: str, actor_id: int | None = None) -> dict[str, Any]:
    """Ask the marketplace; the new state or the refusal is recorded on the listing (its row shows it)."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.listings import ListingState
    from app.domains.publishing import change_sale

    await report_progress(ctx, 0, 1, current=str(listing_id))
    refused = await change_sale(Tenant(organization_id, Actor(actor_id)), listing_id, ListingState(state))
    await report_progress(ctx, 1, 1, errors=1 if refused else 0)
    return {"changed": not refused, "listing_id": listing_id, "state": state, **({"error": refused} if refused else {})}
