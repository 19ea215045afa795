"""Price push against the sandbox: catalog price with the store's markup, only where it differs."""

from __future__ import annotations

import pytest

from app.domains.catalog.tables import Variant
from app.domains.stores.tables import Store
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.prices import push_prices, push_prices_everywhere, store_price
from app.domains.sync.tables import SyncLog
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.sync.sync_helpers import catalog_for, connected_store


def _prices(sandbox, shop) -> set[int]:
    with sandbox.lock:
        return {s.price for p in sandbox.shop(shop.platform, shop.shop_id).products.values() for s in p.skus}


@pytest.mark.parametrize("catalog, markup, expected", [(10_000, 0, 10_000), (10_000, 10, 11_000),
                                                        (99_999, 15, 114_999), (125_000, -50, 62_500), (1, -50, 1)])
def test_store_price_rounds_half_up_to_whole_rupiah(catalog, markup, expected):
    assert store_price(catalog, markup) == expected


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_prices_with_markup_reach_the_marketplace_once(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    variants = await catalog_for(tenant, shop)  # every SKU at Rp 10.000
    await import_store_listings(tenant, store["id"])

    report = await push_prices(tenant, store["id"])
    assert report.skipped_reason == "price push is off" and report.sent == 0

    saved = await post(owner_client, f"/stores/{store['id']}/settings", {
        "auto_push_stock": "on", "auto_import_orders": "on", "sync_interval_minutes": "15", "stock_buffer": "0",
        "stock_percent": "100", "price_markup_percent": "10", "auto_push_prices": "on"})
    assert saved.status_code in (200, 303)
    report = await push_prices(tenant, store["id"])
    assert report.sent == report.considered == len(variants) and report.failed == 0
    assert _prices(sandbox, shop) == {11_000}
    assert (await push_prices(tenant, store["id"])).sent == 0, "nothing differs: nothing is sent again"

    one = next(iter(variants.values()))
    await Variant.update({Variant.price: 20_000}).where(Variant.id == one)
    [again] = await push_prices_everywhere(tenant)
    assert again.sent == 1 and 22_000 in _prices(sandbox, shop)
    assert await SyncLog.count().where((SyncLog.store_id == store["id"]) & (SyncLog.action == "price")) == \
        len(variants) + 1


async def test_a_paused_store_gets_no_prices_even_when_forced(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    before = _prices(sandbox, shop)
    await Store.update({Store.status: "paused", Store.auto_push_prices: True,
                        Store.price_markup_percent: 30}).where(Store.id == store["id"])
    report = await push_prices(tenant, store["id"], force=True)
    assert report.sent == 0 and report.skipped_reason.startswith("store is")
    assert _prices(sandbox, shop) == before
