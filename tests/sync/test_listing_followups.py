"""What must follow a mapping, on the real database and the sandbox over HTTP: open orders that
arrived while their listing was unmapped get their variant and stock; a product created from a
listing starts with the marketplace's quantity (or the typed one) and the push keeps the
marketplace selling; a reconcile says what drifted and asks before it stops a listing selling."""

from __future__ import annotations

from app.core.i18n import read
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.services import start_picking
from app.domains.orders.tables import Order, OrderLine
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.reconcile import reconcile_store
from app.domains.sync.tables import SyncLog
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.sync.sync_helpers import connected_store


async def _unmapped_order(client, sandbox, platform: str, status: str, quantity: int = 2):
    """A connected store with its listings imported (none mapped) and one paid order of the first
    listing, fetched into StoreSync."""
    tenant = tenant_of(client.account)
    shop, store = await connected_store(client, sandbox, platform)
    await import_store_listings(tenant, store["id"])
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    sku.stock = 10
    order = sandbox.create_order(platform, shop.shop_id, lines=[(product.product_id, sku.sku_id, quantity)],
                                 status=status, push=False)
    await fetch_store_orders(tenant, store["id"])
    row = await Order.select().where((Order.store == store["id"]) & (Order.platform_order_id == order.order_id)).first()
    listing = await Listing.select().where((Listing.store == store["id"]) & (Listing.platform_item_id == product.product_id)
                                           & (Listing.seller_sku == sku.seller_sku)).first()
    return tenant, shop, store, product, sku, row, listing


async def _variant(tenant, sku: str) -> dict:
    await create_product(tenant, ProductForm(name="Produk", variants=[VariantForm(sku=sku, price=10_000)]))
    return (await variants_by_sku(tenant, [sku]))[sku.upper()]


async def test_mapping_a_listing_resolves_the_waiting_order_and_lets_it_be_picked(owner_client, sandbox):
    tenant, shop, store, product, sku, order, listing = await _unmapped_order(owner_client, sandbox, "shopee",
                                                                              "READY_TO_SHIP")
    assert order["has_unmapped_lines"] and order["stock_state"] == "none"
    assert await start_picking(tenant, [order["id"]]) == [], "an order with an unmapped item cannot be picked"
    page = await owner_client.get(f"/orders/{order['id']}")
    assert f'href="/sync/stores/{store["id"]}/listings?status=unmapped"' in page.text, "the order leads to the queue"
    variant = await _variant(tenant, "PETA-1")
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)

    response = await post(owner_client, f"/listings/{listing['id']}/map", {"code": "peta-1"}, htmx=True)
    assert response.status_code == 200 and "1 waiting orders now have this item" in response.text

    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["has_unmapped_lines"], after["stock_state"], after["oversold"]) == (False, "reserved", False)
    line = await OrderLine.select().where(OrderLine.order == order["id"]).first()
    assert line["variant"] == variant["id"]
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (5, 2)
    # The push follows: the listing is offered what is left.
    await push_changes(tenant)
    assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[sku.sku_id] == 3
    assert await start_picking(tenant, [order["id"]]) == [order["id"]]
    # Mapping again changes nothing twice.
    again = await post(owner_client, f"/listings/{listing['id']}/map", {"code": "PETA-1"}, htmx=True)
    assert again.status_code == 200
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert level["reserved"] == 2


async def test_mapping_without_enough_stock_flags_the_order_oversold(owner_client, sandbox):
    tenant, shop, store, product, sku, order, listing = await _unmapped_order(owner_client, sandbox, "tiktok",
                                                                              "AWAITING_SHIPMENT", quantity=3)
    variant = await _variant(tenant, "PETA-2")
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 1)
    response = await post(owner_client, f"/listings/{listing['id']}/map", {"code": "PETA-2"}, htmx=True)
    assert response.status_code == 200 and "oversold" in response.text
    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["has_unmapped_lines"], after["oversold"], after["stock_state"]) == (False, True, "none")
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert level["reserved"] == 0


async def test_create_product_takes_the_marketplace_quantity_as_opening_stock(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    sku.stock = 9
    await import_store_listings(tenant, store["id"])
    listing = await Listing.select().where((Listing.store == store["id"]) & (Listing.seller_sku == sku.seller_sku)
                                           ).first()
    response = await post(owner_client, f"/listings/{listing['id']}/create-variant", {"opening": ""}, htmx=True)
    assert response.status_code == 200, response.text[:300]
    assert "9 units of opening stock" in response.text
    row = await Listing.select().where(Listing.id == listing["id"]).first()
    assert row["status"] == "mapped"
    moves = await StockMovement.select().where(StockMovement.variant == row["variant"])
    assert [m["on_hand_delta"] for m in moves] == [9] and moves[0]["reference"] == f"listing:{listing['id']}"
    await push_changes(tenant)
    assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[sku.sku_id] == 9, \
        "the marketplace keeps selling what it had"
    assert (await Listing.select().where(Listing.id == listing["id"]).first())["last_pushed_qty"] == 9


async def test_create_product_with_a_typed_opening_stock_pushes_it(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    product = next(iter(shop.products.values()))
    sku = product.skus[0]
    sku.stock = 9
    await import_store_listings(tenant, store["id"])
    listing = await Listing.select().where((Listing.store == store["id"]) & (Listing.seller_sku == sku.seller_sku)
                                           ).first()
    refused = await post(owner_client, f"/listings/{listing['id']}/create-variant", {"opening": "-3"}, htmx=True)
    assert refused.status_code == 422 and "Opening stock" in refused.text
    assert (await Listing.select().where(Listing.id == listing["id"]).first())["status"] == "unmapped"
    response = await post(owner_client, f"/listings/{listing['id']}/create-variant", {"opening": "4"}, htmx=True)
    assert response.status_code == 200 and "4 units of opening stock" in response.text
    await push_changes(tenant)
    assert sandbox.listing_stock("tiktok", shop.shop_id, product.product_id)[sku.sku_id] == 4


async def test_reconcile_reports_drift_and_asks_before_stopping_a_selling_listing(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    product = next(iter(shop.products.values()))
    first, second = product.skus[0], (product.skus[1] if len(product.skus) > 1 else None)
    variants = {}
    for s in [first] + ([second] if second else []):
        variants[s.sku_id] = (await _variant(tenant, s.seller_sku))["id"]
    await import_store_listings(tenant, store["id"])
    location = (await default_location(tenant))["id"]
    if second:
        await stock.receive(tenant, variants[second.sku_id], location, 3)
        second.stock = 8  # drifted up: fixed to 3 without asking
    first.stock = 6  # selling on the marketplace, nothing here: would go to 0

    result = await reconcile_store(tenant, store["id"])
    assert result["waiting_confirmation"] == 1
    assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[first.sku_id] == 6, "not zeroed silently"
    waiting = [d for d in result["drift"] if d["done"] == "waiting"]
    assert [(d["from"], d["to"]) for d in waiting] == [(6, 0)]
    if second:
        assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[second.sku_id] == 3
        assert any(d["from"] == 8 and d["to"] == 3 and d["done"] == "fixed" for d in result["drift"])
    lines = await SyncLog.select().where((SyncLog.store_id == store["id"]) & (SyncLog.action == "reconcile"))
    assert any("marketplace had 6, StoreSync offers 0" in read(line["message"]) for line in lines)

    sync_page = await owner_client.get("/sync")
    assert f"/sync/stores/{store['id']}/reconcile/confirm" in sync_page.text
    page = await owner_client.get(f"/sync/stores/{store['id']}/reconcile/confirm")
    assert page.status_code == 200 and "6 → 0" in page.text
    listing = await Listing.select().where((Listing.store == store["id"]) & (Listing.seller_sku == first.seller_sku)
                                           ).first()
    none = await post(owner_client, f"/sync/stores/{store['id']}/reconcile/confirm", {})
    assert none.status_code == 303 and await BackgroundJob.count().where(
        (BackgroundJob.organization == owner_client.account.org_id) & (BackgroundJob.kind == "reconcile")) == 0
    started = await post(owner_client, f"/sync/stores/{store['id']}/reconcile/confirm", {"listing_id": str(listing["id"])})
    assert started.status_code == 303
    assert await BackgroundJob.count().where(
        (BackgroundJob.organization == owner_client.account.org_id) & (BackgroundJob.kind == "reconcile")) == 1

    confirmed = await reconcile_store(tenant, store["id"], confirm_zero=[listing["id"]])
    assert confirmed["waiting_confirmation"] == 0
    assert sandbox.listing_stock("shopee", shop.shop_id, product.product_id)[first.sku_id] == 0
    assert f"/sync/stores/{store['id']}/reconcile/confirm" not in (await owner_client.get("/sync")).text


async def test_mapping_twice_at_once_reserves_the_waiting_order_once(owner_client, sandbox):
    import asyncio

    from app.domains.sync import mapping

    tenant, shop, store, product, sku, order, listing = await _unmapped_order(owner_client, sandbox, "shopee",
                                                                              "READY_TO_SHIP")
    variant = await _variant(tenant, "PETA-3")
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)
    await asyncio.gather(mapping.map_listing(tenant, listing["id"], "PETA-3"),
                         mapping.map_listing(tenant, listing["id"], "PETA-3"))
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (5, 2)
    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["has_unmapped_lines"], after["stock_state"]) == (False, "reserved")


async def test_a_reimport_that_maps_a_listing_by_sku_resolves_its_waiting_orders(owner_client, sandbox):
    tenant, shop, store, product, sku, order, listing = await _unmapped_order(owner_client, sandbox, "tiktok",
                                                                              "AWAITING_SHIPMENT")
    variant = await _variant(tenant, sku.seller_sku)  # the seller adds the SKU to the catalog afterwards
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 4)
    counts = await import_store_listings(tenant, store["id"])
    assert counts.mapped_now and (await Listing.select().where(Listing.id == listing["id"]).first())["status"] == "mapped"
    after = await Order.select().where(Order.id == order["id"]).first()
    assert (after["has_unmapped_lines"], after["stock_state"]) == (False, "reserved")
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (4, 2)
