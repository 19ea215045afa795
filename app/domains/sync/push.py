"""Stock push: send each mapped listing the absolute quantity its store is offered.

Only listings whose offer differs from what was last pushed are sent (unless forced), so a
replay changes nothing and a store that was paused or broken catches up from current stock.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from app.core.clock import utcnow
from app.core.i18n import deferred
from app.core.tenancy import Tenant
from app.domains import listings, stores
from app.domains import listings as allocation
from app.domains.notifications import notify
from app.domains.stores import StoreStatus, SyncKind, connection_for, open_adapter
from app.domains.sync import log as sync_log
from app.domains.sync.tables import SyncLog
from app.integrations.base import StockUpdate
from app.integrations.errors import IntegrationError

log = logging.getLogger(__name__)
BATCH = 50
Progress = Callable[[int, int], Awaitable[None]]


@dataclass(slots=True)
class PushReport:
    store_id: int
    considered: int = 0
    sent: int = 0
    failed: int = 0
    skipped_reason: str = ""
    errors: list[str] = field(default_factory=list)


async def store_rules(tenant: Tenant) -> dict[int, allocation.StoreRule]:
    active = await stores.active_stores(tenant)
    locations = await allocation.store_locations(tenant, [s["id"] for s in active])
    return {s["id"]: allocation.StoreRule(s["id"], s["stock_buffer"], s["stock_percent"],
                                          bool(s["preferred_for_last_units"]), locations.get(s["id"], frozenset()))
            for s in active}


async def offers_for_store(tenant: Tenant, store_id: int, variant_ids: Iterable[int] | None = None
                           ) -> list[tuple[dict, int]]:
    """(listing, offered quantity) for the store's mapped listings (optionally some variants)."""
    rules = await store_rules(tenant)
    rule = rules.get(store_id)
    if rule is None:
        return []
    rows = await listings.mapped_for_push(tenant, store_id, variant_ids)
    available = await allocation.available_by_variant(tenant, {r["variant"] for r in rows},
                                                      {r["variant"] for r in rows if r["is_bundle"]}, rule.locations)
    limit = await allocation.threshold(tenant)
    any_preferred = any(r.preferred for r in rules.values())
    return [(r, allocation.offer(available.get(r["variant"], 0), rule, threshold=limit, any_preferred=any_preferred))
            for r in rows]


async def push_store(tenant: Tenant, store_id: int, *, variant_ids: Iterable[int] | None = None, force: bool = False,
                     progress: Progress | None = None, background_job_id: int | None = None,
                     skip_listing_ids: Iterable[int] = ()) -> PushReport:
    """Push offers that changed (all of them with force) to one store; returns what happened.
    Integration errors are recorded on the listings and the store and re-raised when nothing
    could be sent (so the job retries), swallowed per batch otherwise. Listings in
    `skip_listing_ids` are left alone (a reconcile waiting for the seller's confirmation)."""
    report = PushReport(store_id)
    store = await stores.get_store(tenant, store_id)
    if store.status != StoreStatus.ACTIVE:
        report.skipped_reason = f"store is {store.status}"
        return report
    if not store.auto_push_stock and not force and variant_ids is not None:
        report.skipped_reason = "automatic stock push is off"
        return report
    pairs = await offers_for_store(tenant, store_id, variant_ids)
    report.considered = len(pairs)
    skip = set(skip_listing_ids)
    todo = [(row, qty) for row, qty in pairs if (force or row["last_pushed_qty"] != qty) and row["id"] not in skip]
    if progress:
        await progress(0, len(todo))
    if not todo:
        return report
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        for start in range(0, len(todo), BATCH):
            batch = todo[start:start + BATCH]
            updates = [StockUpdate(listing_id=row["platform_item_id"], variant_id=row["platform_model_id"],
                                   quantity=qty, location_id=row["platform_location_id"] or None) for row, qty in batch]
            try:
                result = await adapter.update_stock(conn, updates)
            except IntegrationError as exc:
                report.failed += len(batch)
                report.errors.append(exc.seller_message)
                await stores.record_problem(tenant, store_id, exc.seller_message)
                await notify(tenant, "sync_failed", deferred("%(store)s: %(problem)s", store=store.name,
                                                               problem=exc.seller_message), link="/sync",
                             dedupe_key=f"sync_failed:{store_id}:{utcnow():%Y-%m-%d %H}")
                await sync_log.write(tenant, "push", exc.seller_message, level="error", store_id=store_id,
                                     background_job_id=background_job_id)
                if report.sent == 0:
                    raise
                continue
            by_key = {(row["platform_item_id"], row["platform_model_id"]): (row, qty) for row, qty in batch}
            failed = {by_key[(f.listing_id, f.variant_id)][0]["id"]: f.reason for f in result.failed
                      if (f.listing_id, f.variant_id) in by_key}
            pushed = {row["id"]: qty for row, qty in batch if row["id"] not in failed}
            await listings.record_pushes(tenant, pushed, failed)
            await sync_log.write_many([
                SyncLog(organization=tenant.organization_id, background_job=background_job_id, store_id=store_id,
                        listing_id=row["id"], variant_id=row["variant"], action="push",
                        level="error" if row["id"] in failed else "info", quantity=qty,
                        previous_quantity=row["last_pushed_qty"],
                        message=failed.get(row["id"], "sent")) for row, qty in batch])
            report.sent += len(pushed)
            report.failed += len(failed)
            if progress:
                await progress(min(start + BATCH, len(todo)), len(todo))
    if report.sent:
        await stores.mark_synced(tenant, store_id, kind=SyncKind.STOCK_PUSH)
    return report
