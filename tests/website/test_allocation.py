"""The allocation rules apply to the website like to any store, both ways: its own buffer and
percentage, and who keeps the last units."""

from __future__ import annotations

from app.domains.listings import allocation
from app.domains.listings.tables import Listing
from app.domains.stores.tables import Store
from app.domains.sync.push import offers_for_store
from app.domains.website.services import keeps_last_units
from app.domains.website.shop import forget_cached_shops, shop_by_slug
from tests.orders.test_ingest import make_store
from tests.support import unique
from tests.website.factories import seeded_shop


async def _mapped_listing(shop, store_id: int) -> None:
    await Listing(organization=shop.tenant.organization_id, store=store_id, platform_item_id=unique("item"),
                  platform_model_id="0", seller_sku=shop.variant["sku"], variant=shop.variant["id"],
                  status="mapped").save()


async def test_the_website_keeps_the_last_units_when_it_is_the_preferred_channel(client):
    allocation.register_preferred_channel(keeps_last_units)  # as create_app wires it
    shop = await seeded_shop(2, preferred_for_last_units="on")
    store = await make_store(shop.tenant)
    await _mapped_listing(shop, store["id"])
    await allocation.set_threshold(shop.tenant, 3)
    [(_listing, marketplace_offer)] = await offers_for_store(shop.tenant, store["id"])
    website = await shop_by_slug(shop.slug)
    assert marketplace_offer == 0
    assert (await client.get(f"/api/storefront/{shop.slug}/products")).json()["items"][0]["variants"][0]["available"] == 2
    assert website.preferred_for_last_units


async def test_a_preferred_marketplace_store_keeps_them_from_the_website_and_the_buffer_applies(client):
    shop = await seeded_shop(10, stock_buffer="2", stock_percent="50")
    products = (await client.get(f"/api/storefront/{shop.slug}/products")).json()["items"]
    assert products[0]["variants"][0]["available"] == 4  # (10 - 2) × 50 %
    store = await make_store(shop.tenant)
    await Store.update({Store.preferred_for_last_units: True}).where(Store.id == store["id"])
    await allocation.set_threshold(shop.tenant, 10)
    forget_cached_shops()
    products = (await client.get(f"/api/storefront/{shop.slug}/products")).json()["items"]
    assert products[0]["variants"][0]["available"] == 0
    detail = await client.get(f"/shop/{shop.slug}/?lang=id")
    assert "Stok habis" in detail.text


async def test_the_shop_offers_what_a_checkout_can_reserve_at_the_default_location(client):
    from app.domains.inventory import create_location, stock
    from tests.website.factories import VILLAGE

    shop = await seeded_shop(2)  # at the default location, where a website order reserves
    other = await create_location(shop.tenant, "Gudang Cimahi", unique("G")[:12])
    await stock.receive(shop.tenant, shop.variant["id"], other.id, 5)
    home = await client.get(f"/shop/{shop.slug}/")
    assert "Sisa 2" in home.text  # not 7: the 5 elsewhere cannot be reserved by this shop

    def body(quantity: int) -> dict:
        return {"lines": [{"variant_id": shop.variant["id"], "quantity": quantity}], "payment_method": "cod",
                "buyer": {"name": "Budi", "phone": "081299997777"},
                "address": {"line": "Jl. Kenanga 2", "village_code": VILLAGE}}

    too_many = await client.post(f"/api/storefront/{shop.slug}/checkout", json=body(3))
    assert too_many.status_code == 409 and "tinggal 2" in too_many.text, too_many.text  # not "someone was faster"
    placed = await client.post(f"/api/storefront/{shop.slug}/checkout", json=body(2))
    assert placed.status_code in (200, 201) and placed.json()["order_number"].startswith("W-"), placed.text
