"""Full reconcile: compare each listing's quantity on the marketplace with what the store should
be offered, fix the drift (our figure wins), and say what was fixed, listing by listing.

A listing that is selling on the marketplace (quantity above 0) and would be set to 0 is not
touched without the seller: the reconcile reports it and waits for a confirmation, which runs
the reconcile again with those listings allowed to go to 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.i18n import deferred
from app.core.tenancy import Tenant
from app.domains.listings import forget_pushed, push_outcomes, quantities_of_store
from app.domains.sync import log as sync_log
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.push import offers_for_store, push_store
from app.domains.sync.tables import SyncLog

REPORTED = 50  # drifted listings named in a job's result (the sync log has every one)


@dataclass(slots=True)
class Drift:
    listing_id: int
    variant_id: int
    title: str
    marketplace: int
    offer: int


async def drifted_listings(tenant: Tenant, store_id: int) -> list[Drift]:
    """Mapped listings whose quantity on the marketplace (as last imported) differs from the offer."""
    pairs = await offers_for_store(tenant, store_id)
    info = await quantities_of_store(tenant, store_id)
    drifts = []
    for row, offer in pairs:
        listing = info.get(row["id"])
        if listing is None or listing["platform_quantity"] == offer:
            continue
        title = " · ".join(x for x in (listing["title"], listing["model_name"], listing["seller_sku"]) if x)
        drifts.append(Drift(row["id"], row["variant"], title[:200], listing["platform_quantity"], offer))
    return drifts


def would_zero(drift: Drift) -> bool:
    """A listing that is selling would stop selling: the seller decides, not the reconcile."""
    return drift.marketplace > 0 and drift.offer == 0


async def reconcile_store(tenant: Tenant, store_id: int, *, progress=None, background_job_id: int | None = None,
                          confirm_zero: Iterable[int] = ()) -> dict:
    """Re-read the store's listings and push the offer to every listing that drifted, except
    listings that would go from selling to 0 and are not in `confirm_zero`: those wait for the
    seller. Every drifted listing gets a sync log line (from, to, what was done)."""
    await import_store_listings(tenant, store_id, background_job_id=background_job_id)
    compared = len(await offers_for_store(tenant, store_id))
    confirmed = set(confirm_zero)
    drifts = await drifted_listings(tenant, store_id)
    waiting = [d for d in drifts if would_zero(d) and d.listing_id not in confirmed]
    to_fix = [d for d in drifts if d not in waiting]
    if to_fix:
        # Forget what we believe we pushed for drifted listings so the push sends them again.
        await forget_pushed(tenant, [d.listing_id for d in to_fix])
        await push_store(tenant, store_id, variant_ids=sorted({d.variant_id for d in to_fix}), force=False,
                         progress=progress, background_job_id=background_job_id,
                         skip_listing_ids=[d.listing_id for d in waiting])
    outcome = await _outcomes(tenant, to_fix)
    lines = []
    for drift in drifts:
        if drift in waiting:
            done = deferred("waiting for your confirmation: it would stop selling")
        elif outcome.get(drift.listing_id):
            done = deferred("not fixed: %(why)s", why=outcome[drift.listing_id])
        else:
            done = deferred("fixed")
        lines.append(SyncLog(organization=tenant.organization_id, background_job=background_job_id, store_id=store_id,
                             listing_id=drift.listing_id, variant_id=drift.variant_id, action="reconcile",
                             level="warning" if drift in waiting or outcome.get(drift.listing_id) else "info",
                             quantity=drift.offer, message=deferred(
                                 "%(listing)s: marketplace had %(before)s, StoreSync offers %(after)s — %(done)s",
                                 listing=drift.title[:300], before=drift.marketplace, after=drift.offer, done=done)))
    await sync_log.write_many(lines)
    fixed = sum(1 for d in to_fix if not outcome.get(d.listing_id))
    summary = deferred("%(compared)s listings compared, %(drifted)s drifted, %(fixed)s fixed, %(waiting)s waiting for "
                "your confirmation", compared=compared, drifted=len(drifts), fixed=fixed, waiting=len(waiting))
    # The summary line's quantity is how many listings wait for the seller (stores_waiting reads it).
    await sync_log.write(tenant, "reconcile", summary, store_id=store_id, quantity=len(waiting) or None,
                         background_job_id=background_job_id, level="warning" if drifts else "info")
    return {"compared": compared, "drifted": len(drifts), "fixed": fixed, "waiting_confirmation": len(waiting),
            "drift": [{"listing_id": d.listing_id, "listing": d.title, "from": d.marketplace, "to": d.offer,
                       "done": "waiting" if d in waiting else ("failed" if outcome.get(d.listing_id) else "fixed")}
                      for d in drifts[:REPORTED]]}


async def _outcomes(tenant: Tenant, drifts: list[Drift]) -> dict[int, str]:
    """Why each drifted listing was not fixed ('' when it was): its push error, or not sent."""
    if not drifts:
        return {}
    rows = await push_outcomes(tenant, [d.listing_id for d in drifts])
    outcome = {}
    for drift in drifts:
        row = rows.get(drift.listing_id)
        if row is None or row["last_pushed_qty"] != drift.offer:
            outcome[drift.listing_id] = (row or {}).get("last_push_error") or deferred("not sent")
        else:
            outcome[drift.listing_id] = ""
    return outcome


async def waiting_for_confirmation(tenant: Tenant, store_id: int) -> list[Drift]:
    """The store's listings a confirmed reconcile would set to 0 (selling on the marketplace now)."""
    return [d for d in await drifted_listings(tenant, store_id) if would_zero(d)]


async def stores_waiting(tenant: Tenant) -> set[int]:
    """Stores whose latest reconcile is waiting for the seller's confirmation."""
    rows = await tenant.scoped(SyncLog).select(SyncLog.store_id, SyncLog.quantity).where(
        (SyncLog.action == "reconcile") & SyncLog.listing_id.is_null()).order_by(SyncLog.id, ascending=False).limit(100)
    latest: dict[int, int | None] = {}
    for row in rows:
        latest.setdefault(row["store_id"], row["quantity"])
    return {store for store, waiting in latest.items() if waiting}
