"""Publishing a catalog product to a Lazada store, against the sandbox over real HTTP: the form
proposed from Lazada's tree and attributes, the listing created and mapped at once and then synced
like any other, Lazada's refusals landing on their fields, and retries after faults that create
nothing twice."""

from __future__ import annotations

import re

import httpx
import pytest

from app.core.errors import ValidationFailed
from app.domains import stores
from app.domains.catalog.services import get_product
from app.domains.inventory.locations import create_location
from app.domains.inventory.stock import receive
from app.domains.listings.tables import Listing
from app.domains.publishing import services
from app.domains.stores.tables import Store
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from app.integrations import errors
from app.integrations.base import ChosenAttribute, NewListing, NewVariant, PublishingAdapter
from tests.inventory.factories import tenant_of
from tests.publishing.test_publish_pages import fields_of
from tests.publishing.test_publish_service import answers, kaos, photo
from tests.support import post
from tests.sync.sync_helpers import connected_store

CREATE = "/product/create"


def calls(sandbox, shop, path: str, outcome: str | None = None) -> list:
    """The shop's calls to ``path`` (the sandbox serves every test's shops)."""
    return [c for c in sandbox.calls_to("lazada", path, outcome=outcome) if c.shop_id == shop.shop_id]


async def test_a_product_published_to_lazada_is_mapped_at_once_and_then_synced(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "lazada")
    await Store.update({Store.price_markup_percent: 10}).where(Store.id == store["id"])
    product_id = await kaos(tenant, prefix="LZ")

    proposal = await services.propose(tenant, product_id, store["id"])
    leaf = next(c for c in proposal.leaves if c.category_id == proposal.category_id)
    assert leaf.name == "Kaos", "Lazada's nested tree is read flat and the catalog category proposes Kaos"
    assert proposal.tiers == ("Warna", "Ukuran") and proposal.title_max == 255
    by_id = {a.attribute_id: a for a in proposal.attributes}
    assert by_id["brand"].mandatory and by_id["brand"].is_brand and not by_id["brand"].customizable
    assert by_id["bahan"].mandatory and [v.name for v in by_id["bahan"].values] == ["Katun", "Polyester", "Rayon"]
    assert not by_id["negara_asal"].mandatory, "an optional free-text attribute"
    assert "name" not in by_id and "price" not in by_id, "name comes from the title; SKU attributes are not asked"

    form = answers(proposal, attr_bahan="Katun", attr_negara_asal="Indonesia")
    published = await services.publish(tenant, product_id, store["id"], form)
    item = sandbox.shop("lazada", shop.shop_id).products[published.listing_id]
    assert item.title == "Kaos Polos Katun Combed" and item.description == "Kaos katun 30s."
    assert item.attributes == {"brand": "No Brand", "bahan": "Katun", "negara_asal": "Indonesia"}
    assert len(item.images) == 1 and item.images[0].startswith("https://")
    assert [name for name, _options in item.tiers] == ["Warna", "Ukuran"]
    assert sorted(s.seller_sku for s in item.skus) == sorted(v.sku for v in proposal.variants)
    assert {s.price for s in item.skus} == {55_000} and sum(s.stock for s in item.skus) == 10
    rows = await Listing.select(Listing.status, Listing.variant, Listing.platform_model_id).where(
        (Listing.store == store["id"]) & (Listing.platform_item_id == published.listing_id))
    assert len(rows) == 4 and all(r["status"] == "mapped" and r["variant"] for r in rows)
    assert {r["platform_model_id"] for r in rows} == {s.sku_id for s in item.skus}
    assert published.mapped == 4

    # Synced like any listing: a stock change reaches the Lazada SKU.
    _product, variants = await get_product(tenant, product_id)
    stocked = variants[0]
    location = await create_location(tenant, "Gudang Lazada 2", "GLZ2")
    await receive(tenant, stocked["id"], location["id"], 5, reason="test")
    await push_changes(tenant)
    sku = next(s for s in item.skus if s.seller_sku == stocked["sku"])
    assert sandbox.listing_stock("lazada", shop.shop_id, published.listing_id)[sku.sku_id] == 15

    # The next import of the store's listings finds the same listing, still mapped, not a second one.
    await import_store_listings(tenant, store["id"])
    assert await Listing.count().where((Listing.store == store["id"]) & (Listing.status == "mapped")) == 4


async def _lazada(owner_client, sandbox, prefix: str):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "lazada")
    product_id = await kaos(tenant, prefix=prefix)
    return tenant, shop, store, product_id


async def test_lazada_refuses_on_the_field_it_names_and_keeps_nothing(owner_client, sandbox):
    tenant, shop, store_row, _product_id = await _lazada(owner_client, sandbox, "RZ")
    store = await stores.get_store(tenant, store_row["id"])
    before = set(sandbox.shop("lazada", shop.shop_id).products)  # the shop's own listings
    async with stores.open_adapter("lazada") as adapter:
        assert isinstance(adapter, PublishingAdapter)
        conn = stores.connection_for(tenant, store, adapter)
        leaf = next(c for c in await adapter.categories(conn) if c.name == "Kaos")
        image = await adapter.upload_image(conn, photo(800), "1.jpg")
        good = NewListing(
            title="Kaos Uji", description="Kaos katun.", category_id=leaf.category_id,
            attributes=(ChosenAttribute(attribute_id="brand", value_id="No Brand"),
                        ChosenAttribute(attribute_id="bahan", value_id="Katun")),
            image_ids=(image.image_id,), weight_grams=250, tiers=("Warna",),
            variants=(NewVariant(seller_sku="RZ-1", options=("Hitam",), price=50_000, quantity=1),
                      NewVariant(seller_sku="RZ-2", options=("Putih",), price=50_000, quantity=1)))
        cases = {
            "attribute:bahan": good.model_copy(update={"attributes": good.attributes[:1]}),
            "title": good.model_copy(update={"title": "K" * 256}),
            "images": good.model_copy(update={"image_ids": (image.image_id,) * 9}),
            "variants": good.model_copy(update={
                "tiers": ("Warna", "Ukuran", "Motif"),
                "variants": tuple(v.model_copy(update={"options": (*v.options, "M", "Polos")})
                                  for v in good.variants)}),
        }
        refused = {}
        for field, listing in cases.items():
            with pytest.raises(errors.ListingRefused) as caught:
                await adapter.create_listing(conn, listing)
            refused[field] = caught.value
        assert {field: r.field for field, r in refused.items()} == {f: f for f in cases}
        assert "mandatory" in refused["attribute:bahan"].detail and "255" in refused["title"].detail
        assert refused["title"].request_id, "Lazada's envelope carries a request id"
        with pytest.raises(errors.ListingRefused) as small:
            await adapter.upload_image(conn, photo(320), "small.jpg")
        assert small.value.field == "images" and "330x330" in small.value.detail
        assert set(sandbox.shop("lazada", shop.shop_id).products) == before

        created = await adapter.create_listing(conn, good)
        assert set(created.variant_ids) == {"RZ-1", "RZ-2"}
        # A seller SKU is unique per seller: the same product created again is refused, not doubled.
        with pytest.raises(errors.ListingRefused) as again:
            await adapter.create_listing(conn, good)
        assert again.value.field == "variants" and again.value.code == "SellerSkuExisted"
        assert set(sandbox.shop("lazada", shop.shop_id).products) - before == {created.listing_id}


async def test_the_form_names_the_field_before_anything_is_sent(owner_client, sandbox):
    tenant, shop, store, product_id = await _lazada(owner_client, sandbox, "FZ")
    proposal = await services.propose(tenant, product_id, store["id"])
    with pytest.raises(ValidationFailed) as refused:
        await services.publish(tenant, product_id, store["id"],
                               answers(proposal, title="K" * 256, attr_bahan="", attr_brand="Merek Lain"))
    assert set(refused.value.errors) == {"title", "attr_bahan", "attr_brand"}
    assert "255" in refused.value.errors["title"]
    assert calls(sandbox, shop, CREATE) == [] and calls(sandbox, shop, "/image/upload") == []
    assert await Listing.count().where(Listing.store == store["id"]) == 0


async def test_lazadas_refusal_is_shown_on_its_field_of_the_page(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "lazada")
    product_id = await kaos(tenant, side=320, prefix="PZ")  # StoreSync takes it; Lazada wants 330x330
    before = set(sandbox.shop("lazada", shop.shop_id).products)
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    page = await owner_client.get(link)
    assert page.status_code == 200 and 'name="attr_bahan"' in page.text
    data = fields_of(page.text)
    assert data["attr_bahan"] == "" and data["attr_negara_asal"] == ""
    data.update(attr_brand="No Brand", attr_bahan="Rayon")
    refused = await post(owner_client, link, data)
    assert refused.status_code == 422
    assert re.search(r'data-field="photos">[^<]*330x330', refused.text), refused.text[-2000:]
    assert set(sandbox.shop("lazada", shop.shop_id).products) == before

    # A photo Lazada takes, and the same form posted again publishes.
    _product, rows = await get_product(tenant, product_id)
    from app.domains.catalog.images import set_variant_image

    await set_variant_image(tenant, product_id, rows[0]["id"], photo(800))
    done = await post(owner_client, link, data)
    assert done.status_code == 200, done.text[-1500:]
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    assert sandbox.shop("lazada", shop.shop_id).products[listing_id].attributes["bahan"] == "Rayon"


@pytest.mark.parametrize("fault", ["server_error", "lose_answer"])
async def test_a_retry_after_a_fault_on_create_publishes_once(owner_client, sandbox, marketplace, fault):
    tenant, shop, store, product_id = await _lazada(owner_client, sandbox, "RT" + fault[:1].upper())
    proposal = await services.propose(tenant, product_id, store["id"])
    before = set(sandbox.shop("lazada", shop.shop_id).products)
    async with httpx.AsyncClient(base_url=marketplace.url) as control:
        switched = await control.post("/_control/faults", json={
            "kind": fault, "platform": "lazada", "shop_id": shop.shop_id, "path": CREATE})
        assert switched.status_code == 201
    with pytest.raises(ValidationFailed) as failed:
        await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
    assert "platform" in failed.value.errors
    assert len(calls(sandbox, shop, CREATE)) == 1, "a create is never retried blindly"
    made = set(sandbox.shop("lazada", shop.shop_id).products) - before
    # A server error before the work created nothing; a lost answer created the item once.
    assert len(made) == (1 if fault == "lose_answer" else 0)
    assert await services.pending_attempt(tenant, store["id"], product_id) is not None
    assert await Listing.count().where(Listing.store == store["id"]) == 0

    published = await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
    products = set(sandbox.shop("lazada", shop.shop_id).products) - before
    assert products == {published.listing_id}, "one item on Lazada, whichever fault came"
    if fault == "lose_answer":
        assert made == {published.listing_id}
        assert calls(sandbox, shop, CREATE, outcome="ok") == [], "found by its SKUs, not created again"
        assert len(calls(sandbox, shop, "/products/get")) == 1, "looked up once, by its seller SKUs"
    assert published.mapped == 4
    assert await services.pending_attempt(tenant, store["id"], product_id) is None
    assert await Listing.count().where((Listing.store == store["id"]) & (Listing.status == "mapped")) == 4
