"""The demo's first hour, on the real database and the sandbox over HTTP: the sandbox's demo shops
sell the demo catalog under its SKUs, so importing maps almost everything and leaves a few
listings to map; the unmapped queue creates products for, or maps by SKU suggestion, the
listings ticked."""

from __future__ import annotations

from faker import Faker

from app.domains.catalog.demo import demo_listings, seed_catalog
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product
from app.domains.inventory.tables import StockMovement
from app.domains.listings.tables import Listing
from app.domains.stores.sandbox import seed_demo_listings
from app.domains.stores.tables import Store
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.marketplace import connect
from tests.support import post


async def _demo_store(client, sandbox, platform: str, **seed):
    from app.settings import get_settings

    settings = get_settings()
    app_id = settings.shopee_partner_id if platform == "shopee" else settings.tiktok_app_key
    shop = sandbox.create_shop(platform, app_id=app_id)
    seed_demo_listings(sandbox, platform, shop.shop_id, **seed)
    await connect(client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store


async def test_the_demo_shops_listings_map_by_sku_and_leave_a_few_to_map(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    await seed_catalog(tenant.organization_id, Faker("id_ID"))
    catalog_variants = sum(len(variants) for _title, variants in demo_listings())
    for platform in ("shopee", "tiktok"):
        shop, store = await _demo_store(owner_client, sandbox, platform)
        counts = await import_store_listings(tenant, store["id"])
        assert (counts.auto_mapped, counts.unmapped) == (catalog_variants, 4), platform
    # The re-typed SKU is suggested in the queue; the new product is not.
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings?status=unmapped")
    assert "Suggested variant" in page.text and "MKP-1201" in page.text


async def test_bulk_create_products_from_ticked_listings_with_marketplace_stock(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await _demo_store(owner_client, sandbox, "tiktok", skip_last=12, extras=False)
    sandbox.add_listing("tiktok", shop.shop_id, "Kaos Anak Katun", [
        ("KAK-MERAH-S", ("Merah", "S"), 45_000, 7), ("KAK-MERAH-M", ("Merah", "M"), 45_000, 4),
        ("KAK-BIRU-S", ("Biru", "S"), 45_000, 2)])
    sandbox.add_listing("tiktok", shop.shop_id, "Gantungan Kunci Wayang", [("GKW-1", (), 15_000, 30)])
    await import_store_listings(tenant, store["id"])
    rows = await Listing.select().where((Listing.store == store["id"]) & (Listing.status == "unmapped")).order_by(
        Listing.id)
    # Two models of one item (the sandbox generates items with variants) and one of another item.
    by_item: dict[str, list] = {}
    for row in rows:
        by_item.setdefault(row["platform_item_id"], []).append(row)
    multi = next(group for group in by_item.values() if len(group) > 1)
    single = next(group for item, group in by_item.items() if item != multi[0]["platform_item_id"])
    chosen = multi[:2] + single[:1]
    left = [r for r in rows if r not in chosen]
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings?status=unmapped")
    assert 'name="listing_id"' in page.text and "Create products" in page.text

    back = f"/sync/stores/{store['id']}/listings?status=unmapped"
    response = await post(owner_client, "/listings/bulk", {"action": "create_products", "back": back,
                                                          "listing_id": [str(r["id"]) for r in chosen] + ["999999999"]})
    assert response.status_code == 303 and response.headers["location"] == back
    text = (await owner_client.get(back)).text
    assert "3 listings done, 1 refused: not found (1)" in text
    for row in chosen:
        after = await Listing.select().where(Listing.id == row["id"]).first()
        assert after["status"] == "mapped"
        moves = await StockMovement.select().where(StockMovement.variant == after["variant"])
        assert sum(m["on_hand_delta"] for m in moves) == row["platform_quantity"]
    for row in left:
        assert (await Listing.select(Listing.status).where(Listing.id == row["id"]).first())["status"] == "unmapped"
    from app.domains.catalog.tables import Variant

    variant_ids = [(await Listing.select(Listing.variant).where(Listing.id == r["id"]).first())["variant"] for r in chosen]
    products = {v["product"] for v in await Variant.select(Variant.product).where(Variant.id.is_in(variant_ids))}
    assert len(products) == len({r["platform_item_id"] for r in chosen}), "one product per marketplace item"
    await push_changes(tenant)
    product = shop.products[chosen[0]["platform_item_id"]]
    assert sandbox.listing_stock("tiktok", shop.shop_id, product.product_id)[chosen[0]["platform_model_id"]] == \
        chosen[0]["platform_quantity"]

    nothing = await post(owner_client, "/listings/bulk", {"action": "create_products", "back": back})
    assert "Tick at least one listing first." in (await owner_client.get(nothing.headers["location"])).text


async def test_bulk_map_by_sku_suggestion(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await _demo_store(owner_client, sandbox, "shopee", skip_last=12, extras=False)
    sandbox.add_listing("shopee", shop.shop_id, "Peci Rajut Hitam", [("PRH-0001-HTM", (), 35_000, 5)])
    sandbox.add_listing("shopee", shop.shop_id, "Kipas Angin Mini USB", [("KAMU-77", (), 60_000, 3)])
    await import_store_listings(tenant, store["id"])
    rows = await Listing.select().where((Listing.store == store["id"]) & (Listing.status == "unmapped")).order_by(
        Listing.id)
    first, other = rows[0], rows[-1]
    assert first["seller_sku"] != other["seller_sku"]
    # The catalog spells the SKU without dashes: not mapped at import, suggested in the queue.
    spelled = first["seller_sku"].replace("-", "")
    await create_product(tenant, ProductForm(name="Dari katalog", variants=[VariantForm(sku=spelled, price=9_000)]))
    back = f"/sync/stores/{store['id']}/listings?status=unmapped"
    page = await owner_client.get(back)
    assert "Suggested variant" in page.text and spelled.upper() in page.text
    response = await post(owner_client, "/listings/bulk", {"action": "map_suggested", "back": back,
                                                          "listing_id": [str(first["id"]), str(other["id"])]})
    text = (await owner_client.get(response.headers["location"])).text
    assert "1 listings done, 1 refused: no variant has its SKU (1)" in text
    mapped = await Listing.select().where(Listing.id == first["id"]).first()
    assert mapped["status"] == "mapped"
    assert (await Listing.select(Listing.status).where(Listing.id == other["id"]).first())["status"] == "unmapped"
    bad = await post(owner_client, "/listings/bulk", {"action": "explode", "back": back, "listing_id": [str(other["id"])]})
    assert "Choose what to do" in (await owner_client.get(bad.headers["location"])).text


async def test_the_demo_first_hour_orders_wait_for_the_bundle_and_ship_after_its_product(owner_client, sandbox):
    from app.domains.orders.fetch import fetch_store_orders
    from app.domains.orders.tables import Order
    from app.domains.stores.sandbox import seed_demo_orders

    tenant = tenant_of(owner_client.account)
    await seed_catalog(tenant.organization_id, Faker("id_ID"))
    shop, store = await _demo_store(owner_client, sandbox, "shopee")
    seed_demo_orders(sandbox, "shopee", shop.shop_id)
    await import_store_listings(tenant, store["id"])
    report = await fetch_store_orders(tenant, store["id"])
    assert report.created == 4
    orders = await Order.select().where(Order.store == store["id"]).order_by(Order.id)
    waiting = [o for o in orders if o["has_unmapped_lines"]]
    assert len(waiting) == 1 and all(o["stock_state"] == "reserved" or o["oversold"] for o in orders if o not in waiting)
    bundle = await Listing.select().where((Listing.store == store["id"]) & (Listing.seller_sku == "PAKET-KOPI-SAMBAL")
                                          ).first()
    response = await post(owner_client, f"/listings/{bundle['id']}/create-variant", {"opening": ""}, htmx=True)
    assert response.status_code == 200 and "1 waiting orders now have this item" in response.text
    after = await Order.select().where(Order.id == waiting[0]["id"]).first()
    assert (after["has_unmapped_lines"], after["stock_state"]) == (False, "reserved")
