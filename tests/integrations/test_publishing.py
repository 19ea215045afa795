"""Cross-listing through the adapters against the sandbox over real HTTP: categories, attributes,
photos, create with variations, and refusals in each platform's own shape."""

from __future__ import annotations

import struct
import zlib

import pytest

from app.integrations import errors
from app.integrations.base import (
    ChosenAttribute,
    ListingEdit,
    ListingEditor,
    NewListing,
    NewVariant,
    PublishingAdapter,
)
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.sandbox.state import SandboxState
from tests.integrations.conftest import Connected


def png(width: int, height: int) -> bytes:
    """A real (grey) PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def _form(adapter, conn, leaf_name: str):
    tree = await adapter.categories(conn)
    leaf = next(c for c in tree if c.name == leaf_name)
    assert leaf.is_leaf and leaf.parent_id and any(c.category_id == leaf.parent_id and not c.is_leaf for c in tree)
    attrs = await adapter.category_attributes(conn, leaf.category_id)
    return leaf, attrs


def _answers(attrs, skip: str | None = None, override: dict[str, str] | None = None) -> tuple[ChosenAttribute, ...]:
    chosen = []
    for a in attrs:
        if not a.mandatory or a.name == skip:
            continue
        value = (override or {}).get(a.name, a.values[0].value_id if a.values else None)
        chosen.append(ChosenAttribute(attribute_id=a.attribute_id, value_id=value,
                                      text=None if a.values else "Indonesia"))
    return tuple(chosen)


def _listing(leaf, attrs, images, **overrides) -> NewListing:
    fields = dict(title="Kaos Polos Cotton Combed 30s", description="Kaos katun nyaman dipakai.",
                  category_id=leaf.category_id, attributes=_answers(attrs), image_ids=tuple(images),
                  weight_grams=250, tiers=("Warna", "Ukuran"),
                  variants=(NewVariant(seller_sku="KAOS-HTM-M", options=("Hitam", "M"), price=59_000, quantity=7),
                            NewVariant(seller_sku="KAOS-HTM-L", options=("Hitam", "L"), price=61_000, quantity=3),
                            NewVariant(seller_sku="KAOS-PTH-M", options=("Putih", "M"), price=59_000, quantity=0)))
    fields.update(overrides)
    return NewListing(**fields)


@pytest.mark.parametrize("which", ["shopee", "tiktok"])
async def test_publish_creates_a_listing_that_syncs_like_any_other(which, shopee: ShopeeAdapter, tiktok: TikTokAdapter,
                                                                   shopee_shop: Connected, tiktok_shop: Connected,
                                                                   state: SandboxState):
    adapter, shop = (shopee, shopee_shop) if which == "shopee" else (tiktok, tiktok_shop)
    assert isinstance(adapter, PublishingAdapter)
    leaf, attrs = await _form(adapter, shop.conn, "Kaos")
    bahan = next(a for a in attrs if a.name == "Bahan")
    assert bahan.mandatory and [v.name for v in bahan.values] == ["Katun", "Polyester", "Rayon"]
    image = await adapter.upload_image(shop.conn, png(800, 800), "kaos.png")
    assert image.image_id and image.url

    created = await adapter.create_listing(shop.conn, _listing(leaf, attrs, [image.image_id]))
    assert set(created.variant_ids) == {"KAOS-HTM-M", "KAOS-HTM-L", "KAOS-PTH-M"}

    listings = {x.listing_id: x async for x in adapter.fetch_listings(shop.conn)}
    listed = listings[created.listing_id]
    by_sku = {v.seller_sku: v for v in listed.variants}
    assert {sku: by_sku[sku].variant_id for sku in by_sku} == dict(created.variant_ids)
    assert by_sku["KAOS-HTM-L"].price == 61_000 and by_sku["KAOS-HTM-M"].quantity == 7
    assert by_sku["KAOS-HTM-L"].name == "Hitam, L"


async def test_shopee_item_without_variants_is_model_zero(shopee: ShopeeAdapter, shopee_shop: Connected):
    leaf, attrs = await _form(shopee, shopee_shop.conn, "Kopi")
    image = await shopee.upload_image(shopee_shop.conn, png(600, 600), "kopi.png")
    created = await shopee.create_listing(shopee_shop.conn, _listing(
        leaf, attrs, [image.image_id], title="Kopi Arabika Gayo 250gr", tiers=(),
        variants=(NewVariant(seller_sku="KOPI-250", price=85_000, quantity=12),)))
    assert created.variant_ids == {"KOPI-250": "0"}
    [listed] = [x async for x in shopee.fetch_listings(shopee_shop.conn) if x.listing_id == created.listing_id]
    assert not listed.has_variants and listed.variants[0].quantity == 12

    await shopee.update_listing(shopee_shop.conn, ListingEdit(listing_id=created.listing_id, title="Kopi Gayo 250gr",
                                                              description="Kopi arabika.", prices={"0": 90_000}))
    [edited] = [x async for x in shopee.fetch_listings(shopee_shop.conn) if x.listing_id == created.listing_id]
    assert edited.title == "Kopi Gayo 250gr" and edited.variants[0].price == 90_000, "model 0 is the item's price"


@pytest.mark.parametrize("which", ["shopee", "tiktok"])
async def test_platform_refusals_name_the_field(which, shopee: ShopeeAdapter, tiktok: TikTokAdapter,
                                                shopee_shop: Connected, tiktok_shop: Connected, state: SandboxState):
    adapter, shop = (shopee, shopee_shop) if which == "shopee" else (tiktok, tiktok_shop)
    leaf, attrs = await _form(adapter, shop.conn, "Kaos")
    bahan = next(a for a in attrs if a.name == "Bahan")
    before = len(state.shop(which, shop.shop.shop_id).products)

    with pytest.raises(errors.ListingRefused) as small:
        await adapter.upload_image(shop.conn, png(120, 120), "kecil.png")
    assert small.value.field == "images" and "120x120" in small.value.detail

    image = await adapter.upload_image(shop.conn, png(800, 800), "kaos.png")
    limits = adapter.listing_limits
    cases = {
        "title": dict(title="K" * (limits.title_max + 1)),
        f"attribute:{bahan.attribute_id}": dict(attributes=_answers(attrs, skip="Bahan")),
        f"attribute:{bahan.attribute_id} ": dict(attributes=_answers(attrs, override={"Bahan": "999999"})),
        "images": dict(image_ids=("unknown-image",)),
        "variants": dict(tiers=("Warna", "Ukuran", "Motif", "Bahan"),
                         variants=(NewVariant(seller_sku="X-1", options=("Hitam", "M", "Polos", "Katun"),
                                              price=50_000, quantity=1),)),
    }
    for field, overrides in cases.items():
        with pytest.raises(errors.ListingRefused) as refused:
            await adapter.create_listing(shop.conn, _listing(leaf, attrs, [image.image_id], **overrides))
        assert refused.value.field == field.strip(), (field, refused.value)
        assert refused.value.platform == which and refused.value.code
    # Nothing half-created stays on the platform (Shopee's item is deleted when its tiers are refused).
    assert len(state.shop(which, shop.shop.shop_id).products) == before


async def test_a_refused_create_can_be_retried_after_a_server_fault(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                                    state: SandboxState):
    from app.sandbox.state import Fault
    leaf, attrs = await _form(shopee, shopee_shop.conn, "Kaos")
    image = await shopee.upload_image(shopee_shop.conn, png(800, 800), "kaos.png")
    state.add_fault(Fault(platform="shopee", kind="server_error", shop_id=shopee_shop.shop.shop_id, remaining=2))
    created = await shopee.create_listing(shopee_shop.conn, _listing(leaf, attrs, [image.image_id]))
    assert created.listing_id in state.shop("shopee", shopee_shop.shop.shop_id).products


@pytest.mark.parametrize("which", ["shopee", "tiktok"])
async def test_an_edit_replaces_title_description_and_prices_per_variant(which, shopee: ShopeeAdapter,
                                                                         tiktok: TikTokAdapter, shopee_shop: Connected,
                                                                         tiktok_shop: Connected, state: SandboxState):
    adapter, shop = (shopee, shopee_shop) if which == "shopee" else (tiktok, tiktok_shop)
    assert isinstance(adapter, ListingEditor)
    leaf, attrs = await _form(adapter, shop.conn, "Kaos")
    image = await adapter.upload_image(shop.conn, png(800, 800), "kaos.png")
    created = await adapter.create_listing(shop.conn, _listing(leaf, attrs, [image.image_id]))
    ids = created.variant_ids
    edit = ListingEdit(listing_id=created.listing_id, title="Kaos Polos Combed 30s Premium",
                       description="Kaos katun, jahitan rantai.",
                       prices={ids["KAOS-HTM-M"]: 64_000, ids["KAOS-HTM-L"]: 66_500})

    await adapter.update_listing(shop.conn, edit)
    await adapter.update_listing(shop.conn, edit)  # a retried job: the same edit again changes nothing more
    item = state.shop(which, shop.shop.shop_id).products[created.listing_id]
    assert item.title == "Kaos Polos Combed 30s Premium" and item.description == "Kaos katun, jahitan rantai."
    [listed] = [x async for x in adapter.fetch_listings(shop.conn) if x.listing_id == created.listing_id]
    assert {v.seller_sku: v.price for v in listed.variants} == {
        "KAOS-HTM-M": 64_000, "KAOS-HTM-L": 66_500, "KAOS-PTH-M": 59_000}, "an SKU not named keeps its price"
    assert listed.title == "Kaos Polos Combed 30s Premium"


@pytest.mark.parametrize("which", ["shopee", "tiktok"])
async def test_a_refused_edit_names_the_field_in_the_platforms_words(which, shopee: ShopeeAdapter,
                                                                     tiktok: TikTokAdapter, shopee_shop: Connected,
                                                                     tiktok_shop: Connected, state: SandboxState):
    adapter, shop = (shopee, shopee_shop) if which == "shopee" else (tiktok, tiktok_shop)
    leaf, attrs = await _form(adapter, shop.conn, "Kaos")
    image = await adapter.upload_image(shop.conn, png(800, 800), "kaos.png")
    created = await adapter.create_listing(shop.conn, _listing(leaf, attrs, [image.image_id]))
    sku = created.variant_ids["KAOS-HTM-M"]
    item = state.shop(which, shop.shop.shop_id).products[created.listing_id]

    with pytest.raises(errors.ListingRefused) as long_title:
        await adapter.update_listing(shop.conn, ListingEdit(
            listing_id=created.listing_id, title="K" * (adapter.listing_limits.title_max + 1), description="Baru.",
            prices={sku: 70_000}))
    assert long_title.value.field == "title" and f"at most {adapter.listing_limits.title_max}" in long_title.value.detail
    assert item.title == "Kaos Polos Cotton Combed 30s" and {s.price for s in item.skus} == {59_000, 61_000}

    with pytest.raises(errors.ListingRefused) as unknown:
        await adapter.update_listing(shop.conn, ListingEdit(listing_id="999999999", title="Kaos", description="Baru."))
    assert unknown.value.field is None and "not found" in unknown.value.detail
    assert unknown.value.platform == which and unknown.value.code in ("error_item_not_found", "12052048")

    with pytest.raises(errors.ListingRefused) as foreign_sku:
        await adapter.update_listing(shop.conn, ListingEdit(listing_id=created.listing_id, title="Kaos Baru",
                                                            description="Baru.", prices={"123456789": 70_000}))
    assert foreign_sku.value.field == "variants" and "123456789" in foreign_sku.value.detail
    assert item.title == "Kaos Polos Cotton Combed 30s", "an unknown variant is refused before anything changes"


@pytest.mark.parametrize("which", ["shopee", "tiktok"])
async def test_a_draft_is_created_unlisted(which, shopee: ShopeeAdapter, tiktok: TikTokAdapter,
                                           shopee_shop: Connected, tiktok_shop: Connected, state: SandboxState):
    adapter, shop = (shopee, shopee_shop) if which == "shopee" else (tiktok, tiktok_shop)
    leaf, attrs = await _form(adapter, shop.conn, "Kaos")
    image = await adapter.upload_image(shop.conn, png(800, 800), "kaos.png")
    created = await adapter.create_listing(shop.conn, _listing(leaf, attrs, [image.image_id], draft=True))
    status = {"shopee": "UNLIST", "tiktok": "DRAFT"}[which]
    assert created.status == status
    assert state.shop(which, shop.shop.shop_id).products[created.listing_id].status == status
    listed = {x.listing_id: x async for x in adapter.fetch_listings(shop.conn)}
    assert listed[created.listing_id].status == status, "the listing import still sees the draft"
    assert await adapter.listing_channels(shop.conn) == ()


async def test_tiktok_lists_on_tokopedia_only_where_the_shop_allows_it(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                                        state: SandboxState):
    leaf, attrs = await _form(tiktok, tiktok_shop.conn, "Kaos")
    image = await tiktok.upload_image(tiktok_shop.conn, png(800, 800), "kaos.png")
    products = state.shop("tiktok", tiktok_shop.shop.shop_id).products
    before = set(products)
    with pytest.raises(errors.ListingRefused) as refused:
        await tiktok.create_listing(tiktok_shop.conn, _listing(leaf, attrs, [image.image_id], also_on=("TOKOPEDIA",)))
    assert refused.value.field == "listing_platforms" and refused.value.code == "12052060"
    assert "TOKOPEDIA" in refused.value.detail and refused.value.request_id
    assert set(products) == before

    state.shop("tiktok", tiktok_shop.shop.shop_id).tokopedia = True
    assert await tiktok.listing_channels(tiktok_shop.conn) == ("TOKOPEDIA",)
    created = await tiktok.create_listing(tiktok_shop.conn, _listing(leaf, attrs, [image.image_id],
                                                                     also_on=("TOKOPEDIA",)))
    assert products[created.listing_id].listing_platforms == ("TIKTOK_SHOP", "TOKOPEDIA")
    assert products[created.listing_id].status == "ACTIVATE"
