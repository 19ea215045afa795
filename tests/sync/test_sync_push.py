"""The sync engine against the sandbox over HTTP: import listings, map by SKU, push offers."""

from __future__ import annotations

from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.inventory import stock
from app.domains.inventory.tables import StockChange
from app.domains.listings.tables import Listing
from app.domains.stores.tables import Store
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.push import push_store
from app.domains.sync.reconcile import reconcile_store
from app.domains.sync.tables import SyncLog
from tests.inventory.factories import make_location, tenant_of
from tests.marketplace import connect, new_shop


async def _connected(client, sandbox, platform: str):
    shop = new_shop(sandbox, platform)
    response = await connect(client, shop)
    assert response.status_code in (200, 303), response.text[:300]
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store


async def _catalog_for(tenant, shop) -> dict[str, int]:
    """Master variants carrying the same seller SKUs as the sandbox shop's listings."""
    skus = [s.seller_sku for p in shop.products.values() for s in p.skus if s.seller_sku]
    form = ProductForm(name="Produk Sinkron", variants=[VariantForm(sku=sku, price=10_000) for sku in skus])
    await create_product(tenant, form)
    return {sku: v["id"] for sku, v in (await variants_by_sku(tenant, skus)).items()}


async def test_import_maps_by_sku_and_pushes_offers_to_both_platforms(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shopee_shop, shopee = await _connected(owner_client, sandbox, "shopee")
    tiktok_shop, tiktok = await _connected(owner_client, sandbox, "tiktok")
    variants = await _catalog_for(tenant, shopee_shop)
    variants.update(await _catalog_for(tenant, tiktok_shop))
    for store in (shopee, tiktok):
        counts = await import_store_listings(tenant, store["id"])
        assert counts.created > 0 and counts.unmapped == 0, counts
    again = await import_store_listings(tenant, shopee["id"])
    assert again.created == 0, "re-import creates nothing"

    await Store.update({Store.stock_buffer: 2, Store.stock_percent: 50}).where(Store.id == tiktok["id"])
    loc = await make_location(tenant)
    for variant_id in variants.values():
        await stock.receive(tenant, variant_id, loc["id"], 10)
    reports = await push_changes(tenant)
    assert sum(r.sent for r in reports) == len(variants)
    assert await StockChange.count().where(
        (StockChange.organization == tenant.organization_id) & StockChange.consumed_at.is_null()) == 0

    for shop, expected in ((shopee_shop, 10), (tiktok_shop, (10 - 2) * 50 // 100)):
        for product in shop.products.values():
            on_platform = sandbox.listing_stock(shop.platform, shop.shop_id, product.product_id)
            assert set(on_platform.values()) == {expected}, (shop.platform, on_platform)

    # nothing changed: a second push sends nothing
    assert (await push_store(tenant, shopee["id"])).sent == 0
    assert await SyncLog.count().where((SyncLog.store_id == shopee["id"]) & (SyncLog.action == "push")) > 0


async def test_reconcile_fixes_drift_on_the_marketplace(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await _connected(owner_client, sandbox, "shopee")
    variants = await _catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    loc = await make_location(tenant)
    for variant_id in variants.values():
        await stock.receive(tenant, variant_id, loc["id"], 7)
    await push_changes(tenant)
    product = next(iter(shop.products.values()))
    product.skus[0].stock = 99  # somebody edited the quantity in the seller centre
    result = await reconcile_store(tenant, store["id"])
    assert result["drifted"] == 1 and result["fixed"] == 1
    assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[product.skus[0].sku_id] == 7


async def test_unmapped_listing_waits_and_maps_in_one_tap(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await _connected(owner_client, sandbox, "shopee")
    counts = await import_store_listings(tenant, store["id"])
    assert counts.unmapped == counts.created > 0
    listing = await Listing.select().where(Listing.store == store["id"]).first()
    await create_product(tenant, ProductForm(name="Baru", variants=[VariantForm(sku="MAP-ME-1", price=5000)]))
    from tests.support import post

    response = await post(owner_client, f"/listings/{listing['id']}/map", {"code": "map-me-1"}, htmx=True)
    assert response.status_code == 200 and "MAP-ME-1" in response.text
    row = await Listing.select(Listing.status).where(Listing.id == listing["id"]).first()
    assert row["status"] == "mapped"
    refused = await post(owner_client, f"/listings/{listing['id']}/map", {"code": "NOPE"}, htmx=True)
    assert refused.status_code == 422 and "No active variant" in refused.text


async def test_a_failed_push_is_shown_and_retried_from_the_listing(owner_client, sandbox):
    from app.sandbox.state import Fault
    from tests.support import post

    tenant = tenant_of(owner_client.account)
    shop, store = await _connected(owner_client, sandbox, "shopee")
    variants = await _catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    loc = await make_location(tenant)
    sandbox.add_fault(Fault(kind="server_error", platform="shopee", shop_id=shop.shop_id, remaining=None))
    for variant_id in variants.values():
        await stock.receive(tenant, variant_id, loc["id"], 4)
    try:
        await push_changes(tenant)
    except Exception:  # the job would retry; the store and listings record the problem meanwhile
        pass
    sandbox.clear_faults()
    listing = await Listing.select().where(Listing.store == store["id"]).first()
    blocked = await post(owner_client, f"/listings/{listing['id']}/retry", htmx=True)
    assert blocked.status_code == 409 and "paused calls" in blocked.text, "the open breaker is explained in words"
    from app.core.redis import redis_client
    from app.integrations.breaker import BreakerPolicy, CircuitBreaker
    from app.settings import get_settings

    # the breaker's cooldown passing, without waiting for it
    await CircuitBreaker(redis_client(), BreakerPolicy(), prefix=f"{get_settings().queue_name}:shopee").reset(
        f"store-{store['id']}")
    response = await post(owner_client, f"/listings/{listing['id']}/retry", htmx=True)
    assert response.status_code == 200, response.text[:400]
    row = await Listing.select(Listing.last_pushed_qty, Listing.last_push_error).where(Listing.id == listing["id"]).first()
    assert row["last_pushed_qty"] == 4 and row["last_push_error"] == ""
