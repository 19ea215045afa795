"""Editing a published product and sending the edit to the listings it feeds, store by store: the
preview on the product page (old -> new), "Send changes" as the browser posts it, the job's work
against each marketplace's sandbox over HTTP (Lazada UpdateProduct, Shopee update_item +
update_price, TikTok partial_edit), a refusal in the platform's words that records nothing, and a
listing that is not the product's answering 404."""

from __future__ import annotations

import re

import pytest

from app.core.errors import ValidationFailed
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import get_product, update_product
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.publishing import edits, services
from app.domains.stores.statuses import StoreStatus
from app.domains.stores.tables import Store
from tests.inventory.factories import tenant_of
from tests.publishing.test_publish_service import answers, kaos
from tests.support import http_client, login, make_account, post
from tests.sync.sync_helpers import connected_store

PLATFORMS = ["lazada", "shopee", "tiktok"]
# The edit: a new title and description, and a price per variant (by the end of the seller SKU).
NEW_PRICES = {"HIT-M": 60_000, "HIT-L": 62_500, "PUT-M": 60_000, "PUT-L": 65_000}


async def _edit(tenant, product_id: int, *, name: str, description: str, prices: dict[str, int]) -> None:
    """Change the product as the product form does; ``prices`` by the SKU's colour-size ending."""
    product, rows = await get_product(tenant, product_id)
    await update_product(tenant, product_id, ProductForm(
        name=name, category=product.category, description=description,
        variants=[VariantForm(id=r["id"], sku=r["sku"], price=prices[r["sku"].split("-", 1)[1]],
                              weight_grams=r["weight_grams"], attributes=r["attributes"] or {}) for r in rows]))


async def _published(client, sandbox, platform: str, prefix: str):
    """A connected store of the platform and the kaos product published to it (4 variants at Rp 50.000)."""
    tenant = tenant_of(client.account)
    shop, store = await connected_store(client, sandbox, platform)
    product_id = await kaos(tenant, prefix=prefix)
    proposal = await services.propose(tenant, product_id, store["id"])
    published = await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
    return shop, store, product_id, published.listing_id


async def _rows(store_id: int, item_id: str) -> set[tuple[str, str, int]]:
    rows = await Listing.select(Listing.seller_sku, Listing.title, Listing.platform_price).where(
        (Listing.store == store_id) & (Listing.platform_item_id == item_id))
    return {(r["seller_sku"], r["title"], r["platform_price"]) for r in rows}


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_an_edit_is_previewed_and_sent_to_the_listing(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store, product_id, item_id = await _published(owner_client, sandbox, platform, "ED")

    link = f"/publish/products/{product_id}/changes"
    page = await owner_client.get(f"/products/{product_id}")
    assert f'hx-get="{link}"' in page.text
    before = await owner_client.get(link, headers={"HX-Request": "true"})
    assert before.status_code == 200 and "<del>" not in before.text, "nothing to send right after publishing"

    await _edit(tenant, product_id, name="Kaos Polos Katun Combed Premium", description="Kaos katun 24s, lebih tebal.",
                prices=NEW_PRICES)
    preview = await owner_client.get(link, headers={"HX-Request": "true"})
    assert "<del>Kaos Polos Katun Combed</del> → <ins>Kaos Polos Katun Combed Premium</ins>" in preview.text
    assert "<del>Rp 50.000</del> → <ins>Rp 62.500</ins>" in preview.text
    assert "<del>Rp 50.000</del> → <ins>Rp 65.000</ins>" in preview.text
    assert "Kaos katun 24s, lebih tebal." in preview.text
    sends = re.findall(r'action="(/publish/products/\d+/listings/(\d+)/send)"', preview.text)
    assert len(sends) == 1 and "cannot receive product changes" not in preview.text
    action, row_id = sends[0]

    pressed = await post(owner_client, action, {}, htmx=True)
    assert pressed.status_code == 200 and "Follow the job" in pressed.text
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id) & (
        BackgroundJob.kind == "send_listing_changes")).output(load_json=True).first()
    kwargs = job["parameters"]["kwargs"]
    assert kwargs["product_id"] == product_id and kwargs["listing_row_id"] == int(row_id)
    item = sandbox.shop(platform, shop.shop_id).products[item_id]
    assert item.title == "Kaos Polos Katun Combed", "nothing is sent before the job runs"

    # What the job does (tasks/publishing.py calls this with the recorded arguments).
    await edits.send_changes(tenant, kwargs["product_id"], kwargs["listing_row_id"])
    assert item.title == "Kaos Polos Katun Combed Premium" and item.description == "Kaos katun 24s, lebih tebal."
    assert {s.seller_sku.split("-", 1)[1]: s.price for s in item.skus} == NEW_PRICES, "each SKU has its own price"
    if platform == "lazada":
        assert item.attributes["bahan"] == "Katun", "the other attributes stay as published"
    assert await _rows(store["id"], item_id) == {
        (f"ED-{end}", "Kaos Polos Katun Combed Premium", price) for end, price in NEW_PRICES.items()}
    after = await owner_client.get(link, headers={"HX-Request": "true"})
    assert f'id="change-{row_id}"' in after.text and "<del>" not in after.text, "nothing left to send"


async def test_every_marketplace_listing_of_a_product_has_its_send_button(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    product_id = await kaos(tenant, prefix="EB")
    for platform in PLATFORMS:
        _shop, store = await connected_store(owner_client, sandbox, platform)
        proposal = await services.propose(tenant, product_id, store["id"])
        await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
    await _edit(tenant, product_id, name="Kaos Polos Katun Combed Premium", description="Baru.", prices=NEW_PRICES)

    preview = await owner_client.get(f"/publish/products/{product_id}/changes", headers={"HX-Request": "true"})
    changes = await edits.preview(tenant, product_id)
    assert sorted(c.platform for c in changes) == sorted(PLATFORMS) and all(c.can_send for c in changes)
    sends = re.findall(r'action="/publish/products/\d+/listings/(\d+)/send"', preview.text)
    assert sorted(map(int, sends)) == sorted(c.listing_row_id for c in changes)
    assert "cannot receive product changes" not in preview.text


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_refused_edit_shows_the_platforms_words_and_records_nothing(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store, product_id, item_id = await _published(owner_client, sandbox, platform, "EF")
    await _edit(tenant, product_id, name="Kaos Baru", description="Baru.", prices=NEW_PRICES)
    [changes] = await edits.preview(tenant, product_id)
    recorded = await _rows(store["id"], item_id)
    assert {title for _sku, title, _price in recorded} == {"Kaos Polos Katun Combed"}

    # A variant removed on the marketplace meanwhile: the platform refuses its price.
    item = sandbox.shop(platform, shop.shop_id).products[item_id]
    gone = next(s for s in item.skus if s.seller_sku == "EF-PUT-L")
    item.skus.remove(gone)
    with pytest.raises(ValidationFailed) as refused:
        await edits.send_changes(tenant, product_id, changes.listing_row_id)
    words = " ".join(refused.value.errors.values())
    assert gone.sku_id in words or "not found" in words.lower(), words
    assert await _rows(store["id"], item_id) == recorded, "nothing is recorded as sent"
    assert {s.price for s in item.skus} == {50_000} and item.title == "Kaos Polos Katun Combed", \
        "nothing changed on the marketplace"

    # The listing removed on the marketplace meanwhile.
    del sandbox.shop(platform, shop.shop_id).products[item_id]
    with pytest.raises(ValidationFailed) as removed:
        await edits.send_changes(tenant, product_id, changes.listing_row_id)
    assert "not found" in removed.value.errors["platform"].lower()
    assert await _rows(store["id"], item_id) == recorded


async def test_a_listing_that_is_not_the_products_answers_404(app, owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    _shop, store, product_id, _item = await _published(owner_client, sandbox, "tiktok", "EG")
    other_id = await kaos(tenant, prefix="EH")
    proposal = await services.propose(tenant, other_id, store["id"])
    await services.publish(tenant, other_id, store["id"], answers(proposal))
    [mine] = await edits.preview(tenant, product_id)
    [other] = await edits.preview(tenant, other_id)

    stranger = await make_account()
    async with http_client(app) as stranger_client:
        await login(stranger_client, stranger)
        stranger_client.account = stranger
        _s, their_store, their_product, _i = await _published(stranger_client, sandbox, "tiktok", "EI")
        [theirs] = await edits.preview(tenant_of(stranger), their_product)
        not_mine = await post(stranger_client, f"/publish/products/{product_id}/listings/{mine.listing_row_id}/send", {})
        assert not_mine.status_code == 404, "another organization's product"

    for listing_row_id in (other.listing_row_id, theirs.listing_row_id, 999_999):
        refused = await post(owner_client, f"/publish/products/{product_id}/listings/{listing_row_id}/send", {})
        assert refused.status_code == 404, listing_row_id
    foreign = await post(owner_client, f"/publish/products/{their_product}/listings/{theirs.listing_row_id}/send", {})
    assert foreign.status_code == 404
    assert await BackgroundJob.count().where(
        BackgroundJob.organization.is_in([owner_client.account.org_id, stranger.org_id])) == 0, "no job started"


async def test_a_store_that_is_not_connected_says_so_instead_of_sending(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store, product_id, item_id = await _published(owner_client, sandbox, "shopee", "EP")
    await _edit(tenant, product_id, name="Kaos Baru", description="Baru.", prices=NEW_PRICES)
    await Store.update({Store.status: StoreStatus.PAUSED}).where(Store.id == store["id"])
    [changes] = await edits.preview(tenant, product_id)

    preview = await owner_client.get(f"/publish/products/{product_id}/changes", headers={"HX-Request": "true"})
    assert "/send" not in preview.text and "resume or reconnect it to send changes" in preview.text
    pressed = await post(owner_client, f"/publish/products/{product_id}/listings/{changes.listing_row_id}/send", {},
                         htmx=True)
    assert pressed.status_code == 422 and 'role="alert">This store is not connected now' in pressed.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 0
    with pytest.raises(ValidationFailed):  # a job queued before the pause sends nothing either
        await edits.send_changes(tenant, product_id, changes.listing_row_id)
    assert sandbox.shop("shopee", shop.shop_id).products[item_id].title == "Kaos Polos Katun Combed"
