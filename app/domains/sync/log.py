"""Writing and reading sync history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.i18n import N_
from app.core.records import from_row
from app.core.tenancy import Tenant
from app.domains.listings import labels_of
from app.domains.stores import list_stores
from app.domains.sync.tables import SyncLog

# What each kind of line is called on screen (translated in the template); unknown kinds read "Sync".
ACTION_LABELS = {
    "push": N_("Stock push"), "price": N_("Price push"), "import": N_("Listing import"),
    "reconcile": N_("Reconcile"), "error": N_("Error"),
}
# Messages the engine writes for a success; the row's quantities already say it, in the reader's language.
PLAIN_SUCCESS = {"sent", "price sent"}


async def write(tenant: Tenant, action: str, message: str, *, level: str = "info", store_id: int | None = None,
                listing_id: int | None = None, variant_id: int | None = None, quantity: int | None = None,
                background_job_id: int | None = None, previous_quantity: int | None = None) -> None:
    await SyncLog.insert(SyncLog(
        organization=tenant.organization_id, background_job=background_job_id, store_id=store_id,
        listing_id=listing_id, variant_id=variant_id, action=action, level=level, quantity=quantity,
        previous_quantity=previous_quantity, message=message[:2000]))


async def write_many(rows: list[SyncLog]) -> None:
    if rows:
        await SyncLog.insert(*rows)


@dataclass(frozen=True, slots=True)
class SyncLogLine:
    """One line of sync history with the names people know: its store, listing (title · model) and SKU."""

    id: int
    background_job: int | None
    store_id: int | None
    listing_id: int | None
    variant_id: int | None
    action: str
    level: str
    quantity: int | None
    previous_quantity: int | None
    message: str
    created_at: datetime
    store_name: str
    listing_title: str
    sku: str
    action_label: str
    plain_success: bool


async def history(tenant: Tenant, *, store_id: int | None = None, listing_id: int | None = None,
                  variant_id: int | None = None, background_job_id: int | None = None, limit: int = 100,
                  store_names: dict[int, str] | None = None) -> list[SyncLogLine]:
    """The newest `limit` lines, named (`store_names`: the stores' names when the caller has read them)."""
    query = tenant.scoped(SyncLog).select()
    if store_id:
        query = query.where(SyncLog.store_id == store_id)
    if listing_id:
        query = query.where(SyncLog.listing_id == listing_id)
    if variant_id:
        query = query.where(SyncLog.variant_id == variant_id)
    if background_job_id:
        query = query.where(SyncLog.background_job == background_job_id)
    return await _named(tenant, await query.order_by(SyncLog.id, ascending=False).limit(limit), store_names)


async def _named(tenant: Tenant, rows: list[dict[str, Any]],
                 store_names: dict[int, str] | None = None) -> list[SyncLogLine]:
    """Each line with the names people know: its store, its listing (title, model) and SKU."""
    stores = store_names
    if stores is None:
        stores = {s.id: s.name for s in await list_stores(tenant)} if any(r["store_id"] for r in rows) else {}
    listings = await labels_of(tenant, (r["listing_id"] for r in rows if r["listing_id"]))
    lines = []
    for row in rows:
        listing = listings.get(row["listing_id"]) or {}
        lines.append(from_row(
            SyncLogLine, row, store_name=stores.get(row["store_id"], ""),
            listing_title=" · ".join(x for x in (listing.get("title"), listing.get("model_name")) if x),
            sku=listing.get("variant_sku") or listing.get("seller_sku") or "",
            action_label=ACTION_LABELS.get(row["action"], N_("Sync")),
            plain_success=row["level"] == "info" and row["message"] in PLAIN_SUCCESS))
    return lines
