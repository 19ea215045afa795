"""Writing and reading sync history."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.sync.tables import SyncLog


async def write(tenant: Tenant, action: str, message: str, *, level: str = "info", store_id: int | None = None,
                listing_id: int | None = None, variant_id: int | None = None, quantity: int | None = None,
                background_job_id: int | None = None) -> None:
    await SyncLog.insert(SyncLog(
        organization=tenant.organization_id, background_job=background_job_id, store_id=store_id,
        listing_id=listing_id, variant_id=variant_id, action=action, level=level, quantity=quantity,
        message=message[:2000]))


async def write_many(rows: list[SyncLog]) -> None:
    if rows:
        await SyncLog.insert(*rows)


async def history(tenant: Tenant, *, store_id: int | None = None, listing_id: int | None = None,
                  variant_id: int | None = None, background_job_id: int | None = None, limit: int = 100) -> list[dict]:
    query = tenant.scoped(SyncLog).select()
    if store_id:
        query = query.where(SyncLog.store_id == store_id)
    if listing_id:
        query = query.where(SyncLog.listing_id == listing_id)
    if variant_id:
        query = query.where(SyncLog.variant_id == variant_id)
    if background_job_id:
        query = query.where(SyncLog.background_job == background_job_id)
    return await query.order_by(SyncLog.id, ascending=False).limit(limit)
