"""Publishing a catalog product to a connected store, against the sandbox over HTTP, on the
configured engine: the form proposed, refusals before the call and by the platform, a retry, and
the new listing mapped at once."""

from __future__ import annotations

import io

import httpx
import pytest
from PIL import Image

from app.core.errors import ValidationFailed
from app.domains.catalog.images import set_variant_image
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, get_product
from app.domains.inventory.locations import create_location
from app.domains.inventory.stock import receive
from app.domains.listings.tables import Listing
from app.domains.publishing import services
from app.domains.stores.tables import Store
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.sync.sync_helpers import connected_store


def photo(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


async def kaos(tenant, *, side: int = 800, weight: int = 250, prefix: str = "KP") -> int:
    variants = [VariantForm(sku=f"{prefix}-{c[:3]}-{s}", price=50_000, weight_grams=weight,
                            attributes={"colour": c, "size": s})
                for c in ("Hitam", "Putih") for s in ("M", "L")]
    product_id = await create_product(tenant, ProductForm(name="Kaos Polos Katun Combed", category="Kaos pria",
                                                          description="Kaos katun 30s.", variants=variants))
    _product, rows = await get_product(tenant, product_id)
    if side:
        await set_variant_image(tenant, product_id, rows[0]["id"], photo(side))
    location = await create_location(tenant, f"Gudang {prefix}", f"G{prefix}")
    await receive(tenant, rows[0]["id"], location["id"], 10, reason="test")
    return product_id


def answers(proposal, **override) -> dict[str, str]:
    """The form as the browser posts it: every field, optional attributes left empty."""
    form = {"title": proposal.title, "description": proposal.description, "category_id": proposal.category_id or ""}
    for attr in proposal.attributes:
        form[f"attr_{attr.attribute_id}"] = attr.values[0].value_id if attr.mandatory and attr.values else ""
    form.update(override)
    return form


@pytest.mark.parametrize("platform", ["shopee", "tiktok", "lazada"])
async def test_publish_proposes_creates_and_maps_at_once(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    await Store.update({Store.price_markup_percent: 10}).where(Store.id == store["id"])
    product_id = await kaos(tenant)

    proposal = await services.propose(tenant, product_id, store["id"])
    leaf = next(c for c in proposal.leaves if c.category_id == proposal.category_id)
    assert leaf.name == "Kaos", "the catalog category 'Kaos pria' proposes the marketplace's Kaos"
    assert proposal.tiers == ("Warna", "Ukuran")
    assert {v.price for v in proposal.variants} == {55_000}
    assert sorted(v.quantity for v in proposal.variants) == [0, 0, 0, 10]
    assert any(a.mandatory and a.values for a in proposal.attributes)

    published = await services.publish(tenant, product_id, store["id"], answers(proposal))
    item = sandbox.shop(platform, shop.shop_id).products[published.listing_id]
    assert sorted(s.seller_sku for s in item.skus) == sorted(v.sku for v in proposal.variants)
    assert {s.price for s in item.skus} == {55_000} and sum(s.stock for s in item.skus) == 10
    rows = await Listing.select(Listing.status, Listing.variant).where(
        (Listing.store == store["id"]) & (Listing.platform_item_id == published.listing_id))
    assert len(rows) == 4 and all(r["status"] == "mapped" and r["variant"] for r in rows)

    # The next import sees the same listing, already mapped: synced like any other.
    await import_store_listings(tenant, store["id"])
    assert await Listing.count().where(Listing.platform_item_id == published.listing_id) == 4

    # The category chosen is remembered for the catalog category.
    assert (await services.propose(tenant, product_id, store["id"])).category_id == proposal.category_id


@pytest.mark.parametrize("platform", ["shopee", "tiktok", "lazada"])
async def test_refusals_before_the_call_name_the_field_and_send_nothing(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    product_id = await kaos(tenant, side=0, weight=0, prefix="NP")
    proposal = await services.propose(tenant, product_id, store["id"])
    mandatory = next(a for a in proposal.attributes if a.mandatory and a.values)
    before = len(sandbox.shop(platform, shop.shop_id).products)
    sandbox.reset_calls()

    with pytest.raises(ValidationFailed) as refused:
        await services.publish(tenant, product_id, store["id"], answers(
            proposal, title="K" * 300, description="", **{f"attr_{mandatory.attribute_id}": "999999"}))
    assert set(refused.value.errors) >= {"title", "description", "photos", "weight",
                                         f"attr_{mandatory.attribute_id}"}
    with pytest.raises(ValidationFailed) as empty:
        await services.publish(tenant, product_id, store["id"], answers(
            proposal, **{f"attr_{mandatory.attribute_id}": ""}, category_id="junk"))
    assert "category_id" in empty.value.errors
    assert len(sandbox.shop(platform, shop.shop_id).products) == before
    create = {"shopee": "/api/v2/product/add_item", "tiktok": "/product/202309/products",
              "lazada": "/product/create"}[platform]
    assert sandbox.calls_to(platform, create, outcome=None) == []
    assert await Listing.count().where(Listing.store == store["id"]) == 0


async def test_platform_refusal_lands_on_its_field_and_a_retry_publishes(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    product_id = await kaos(tenant, side=400, prefix="SM")  # big enough for StoreSync, too small for Shopee
    proposal = await services.propose(tenant, product_id, store["id"])
    with pytest.raises(ValidationFailed) as refused:
        await services.publish(tenant, product_id, store["id"], answers(proposal))
    assert "400x400" in refused.value.errors["photos"]
    assert await Listing.count().where(Listing.store == store["id"]) == 0

    _product, rows = await get_product(tenant, product_id)
    await set_variant_image(tenant, product_id, rows[0]["id"], photo(900))
    published = await services.publish(tenant, product_id, store["id"], answers(proposal))
    assert published.mapped == 4 and published.listing_id in sandbox.shop("shopee", shop.shop_id).products


async def test_the_scheduled_refresh_rereads_each_platforms_tree(owner_client, sandbox):
    from app.domains.publishing import trees

    await connected_store(owner_client, sandbox, "shopee")
    await connected_store(owner_client, sandbox, "tiktok")
    await connected_store(owner_client, sandbox, "lazada")
    sandbox.reset_calls()
    report = await trees.refresh_trees()
    assert sorted(report.refreshed) == ["lazada", "shopee", "tiktok"]
    assert len(sandbox.calls_to("lazada", "/category/tree/get")) == 1
    assert len(sandbox.calls_to("shopee", "/api/v2/product/get_category")) == 1
    assert len(sandbox.calls_to("tiktok", "/product/202309/categories")) == 1
    tenant = tenant_of(owner_client.account)
    store = await Store.select().where((Store.organization == tenant.organization_id) &
                                       (Store.platform == "shopee")).first()
    product_id = await kaos(tenant, prefix="RT")
    await services.propose(tenant, product_id, store["id"])
    assert len(sandbox.calls_to("shopee", "/api/v2/product/get_category")) == 1, "the form reads the cached tree"


@pytest.mark.parametrize(("platform", "create_path"), [("shopee", "/api/v2/product/add_item"),
                                                       ("tiktok", "/product/202309/products"),
                                                       ("lazada", "/product/create")])
async def test_a_create_whose_answer_is_lost_is_looked_up_and_mapped_not_created_twice(
        owner_client, sandbox, marketplace, platform, create_path):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    product_id = await kaos(tenant, prefix="LA")
    before = set(sandbox.shop(platform, shop.shop_id).products)
    proposal = await services.propose(tenant, product_id, store["id"])
    async with httpx.AsyncClient(base_url=marketplace.url) as control:
        switched = await control.post("/_control/faults", json={
            "kind": "lose_answer", "platform": platform, "shop_id": shop.shop_id, "path": create_path})
        assert switched.status_code == 201
    with pytest.raises(ValidationFailed) as lost:
        await services.publish(tenant, product_id, store["id"], answers(proposal))
    assert "platform" in lost.value.errors
    created = set(sandbox.shop(platform, shop.shop_id).products) - before
    assert len(created) == 1  # the platform did create it (once: the create is not retried blindly)
    assert await Listing.count().where(Listing.store == store["id"]) == 0
    assert await services.pending_attempt(tenant, store["id"], product_id) is not None

    published = await services.publish(tenant, product_id, store["id"], answers(proposal))
    assert {published.listing_id} == created
    assert set(sandbox.shop(platform, shop.shop_id).products) - before == created  # no second item
    assert published.mapped == 4
    assert await services.pending_attempt(tenant, store["id"], product_id) is None
