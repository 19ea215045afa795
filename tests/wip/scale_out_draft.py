"""Scale-out: two worker processes on the same database and Redis. Ten stock changes to one
variant within a second become one push to the marketplace. (Live progress through either of two
web processes is tests/jobs/test_live_progress.py; that a cron fires once per schedule across
workers is not tested yet.)"""

from __future__ import annotations

import asyncio
import time

from app.core.clock import utcnow
from app.core.queue import get_queue
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockChange
from app.domains.sync import dispatch  # noqa: F401  (this process's stock changes enqueue pushes)
from app.domains.sync.imports import import_store_listings
from app.settings import get_settings
from tests.inventory.factories import tenant_of
from tests.stores.sync_helpers import catalog_for, connected_store
from tests.support import spawn, stop


def _sandbox_env() -> dict[str, str]:
    settings = get_settings()
    return {"SHOPEE_API_BASE": settings.shopee_api_base, "TIKTOK_API_BASE": settings.tiktok_api_base,
            "TIKTOK_AUTH_BASE": settings.tiktok_auth_base, "TIKTOK_AUTHORIZE_URL": settings.tiktok_authorize_url,
            "BASE_URL": settings.base_url}


async def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(0.25)
    return False


async def test_two_workers_push_a_burst_of_changes_once(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    variants = await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    variant_id = variants[sku.seller_sku.upper()]
    location = await default_location(tenant)
    queue = get_queue()
    # Earlier tests leave other organisations' changes in the outbox; the workers' sweep would
    # spend this test's time pushing them. Only this organisation's burst is under test.
    await StockChange.update({StockChange.consumed_at: utcnow()}).where(
        StockChange.consumed_at.is_null() & (StockChange.organization != tenant.organization_id))
    workers = [spawn(["worker"], **_sandbox_env()) for _ in range(2)]
    try:
        assert await _wait_for(lambda: _worker_count(queue, 2), 30), "two workers did not come up"
        sandbox.reset_calls()
        for _ in range(10):  # ten changes within a second
            await stock.receive(tenant, variant_id, location["id"], 1, reason="burst")

        async def pushed() -> bool:
            return sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[sku.sku_id] == 10

        assert await _wait_for(pushed, 60), "the burst never reached the marketplace"
        await asyncio.sleep(3)  # room for any duplicate push to show itself
        updates = [c for c in sandbox.calls_to("shopee", "/api/v2/product/update_stock")]
        assert len(updates) == 1, f"expected one coalesced push, saw {len(updates)}"
    finally:
        for proc in workers:
            stop(proc)


async def _worker_count(queue, wanted: int) -> bool:
    info = await queue.info()
    return len(info.get("workers") or {}) >= wanted
