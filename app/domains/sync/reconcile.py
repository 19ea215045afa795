"""Full reconcile: compare each listing's quantity on the marketplace with what the store should
be offered, fix the drift (our figure wins), and say what was fixed."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.sync import log as sync_log
from app.domains.sync.imports import import_store_listings
from app.domains.sync.push import offers_for_store, push_store


async def reconcile_store(tenant: Tenant, store_id: int, *, progress=None, background_job_id: int | None = None
                          ) -> dict[str, int]:
    await import_store_listings(tenant, store_id, background_job_id=background_job_id)
    from app.domains.listings.tables import Listing

    pairs = await offers_for_store(tenant, store_id)
    quantities = {r["id"]: r["platform_quantity"] for r in await tenant.scoped(Listing).select(
        Listing.id, Listing.platform_quantity).where(Listing.store == store_id)}
    drifted = [row["variant"] for row, qty in pairs if quantities.get(row["id"]) != qty]
    # Forget what we believe we pushed for drifted listings so the push sends them again.
    drifted_ids = [row["id"] for row, qty in pairs if quantities.get(row["id"]) != qty]
    if drifted_ids:
        await tenant.scoped(Listing).update({Listing.last_pushed_qty: None}).where(Listing.id.is_in(drifted_ids))
    report = await push_store(tenant, store_id, variant_ids=sorted(set(drifted)), force=False, progress=progress,
                              background_job_id=background_job_id) if drifted else None
    fixed = report.sent if report else 0
    await sync_log.write(tenant, "reconcile", f"{len(pairs)} listings compared, {len(drifted_ids)} drifted, "
                         f"{fixed} fixed", store_id=store_id, background_job_id=background_job_id,
                         level="warning" if drifted_ids else "info")
    return {"compared": len(pairs), "drifted": len(drifted_ids), "fixed": fixed}
