"""Editing a published product and sending the edit to the listings it feeds, store by store: the
preview on the product page (old -> new), "Send changes" as the browser posts it, the job's work
against the Lazada sandbox over HTTP, a refusal kept on the listing, and a channel that cannot
receive edits yet shown without the button."""

from __future__ import annotations

import re

import pytest

from app.core.errors import ValidationFailed
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import get_product, update_product
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.publishing import edits, services
from tests.inventory.factories import tenant_of
from tests.publishing.test_publish_service import answers, kaos
from tests.support import post
from tests.sync.sync_helpers import connected_store


async def _edit(tenant, product_id: int, *, name: str, description: str, price: int) -> None:
    product, rows = await get_product(tenant, product_id)
    await update_product(tenant, product_id, ProductForm(
        name=name, category=product.category, description=description,
        variants=[VariantForm(id=r["id"], sku=r["sku"], price=price, weight_grams=r["weight_grams"],
                              attributes=r["attributes"] or {}) for r in rows]))


async def test_an_edit_is_previewed_per_listing_and_sent_to_lazada(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    lazada_shop, lazada = await connected_store(owner_client, sandbox, "lazada")
    _shopee_shop, shopee = await connected_store(owner_client, sandbox, "shopee")
    product_id = await kaos(tenant, prefix="ED")
    for store in (lazada, shopee):
        proposal = await services.propose(tenant, product_id, store["id"])
        published = await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
        if store is lazada:
            item_id = published.listing_id

    link = f"/publish/products/{product_id}/changes"
    page = await owner_client.get(f"/products/{product_id}")
    assert f'hx-get="{link}"' in page.text
    before = await owner_client.get(link, headers={"HX-Request": "true"})
    assert before.status_code == 200 and "<del>" not in before.text, "nothing to send right after publishing"

    await _edit(tenant, product_id, name="Kaos Polos Katun Combed Premium", description="Kaos katun 24s, lebih tebal.",
                price=60_000)
    preview = await owner_client.get(link, headers={"HX-Request": "true"})
    assert "<del>Kaos Polos Katun Combed</del> → <ins>Kaos Polos Katun Combed Premium</ins>" in preview.text
    assert "<del>Rp 50.000</del> → <ins>Rp 60.000</ins>" in preview.text
    assert "Kaos katun 24s, lebih tebal." in preview.text
    sends = re.findall(r'action="(/publish/products/\d+/listings/(\d+)/send)"', preview.text)
    assert len(sends) == 1, "one button: the Lazada listing; Shopee cannot receive edits yet"
    assert "This marketplace cannot receive product changes yet." in preview.text
    action, row_id = sends[0]

    pressed = await post(owner_client, action, {}, htmx=True)
    assert pressed.status_code == 200 and "Follow the job" in pressed.text
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id) & (
        BackgroundJob.kind == "send_listing_changes")).output(load_json=True).first()
    kwargs = job["parameters"]["kwargs"]
    assert kwargs["product_id"] == product_id and kwargs["listing_row_id"] == int(row_id)
    item = sandbox.shop("lazada", lazada_shop.shop_id).products[item_id]
    assert item.title == "Kaos Polos Katun Combed", "nothing is sent before the job runs"

    # What the job does (tasks/publishing.py calls this with the recorded arguments).
    await edits.send_changes(tenant, kwargs["product_id"], kwargs["listing_row_id"])
    assert item.title == "Kaos Polos Katun Combed Premium" and item.description == "Kaos katun 24s, lebih tebal."
    assert {s.price for s in item.skus} == {60_000}
    assert item.attributes["bahan"] == "Katun", "the other attributes stay as published"
    rows = await Listing.select(Listing.title, Listing.platform_price).where(
        (Listing.store == lazada["id"]) & (Listing.platform_item_id == item_id))
    assert len(rows) == 4 and {(r["title"], r["platform_price"]) for r in rows} == {
        ("Kaos Polos Katun Combed Premium", 60_000)}
    after = await owner_client.get(link, headers={"HX-Request": "true"})
    lazada_part = after.text.split(f'id="change-{row_id}"', 1)[1].split('class="listing-change"', 1)[0]
    assert "<del>" not in lazada_part, "the Lazada listing has nothing left to send"
    assert "<del>Rp 50.000</del>" in after.text, "the Shopee listing still shows its old price"


async def test_a_refused_edit_changes_nothing_and_names_the_problem(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "lazada")
    product_id = await kaos(tenant, prefix="EF")
    proposal = await services.propose(tenant, product_id, store["id"])
    published = await services.publish(tenant, product_id, store["id"], answers(proposal, attr_bahan="Katun"))
    await _edit(tenant, product_id, name="Kaos Baru", description="Baru.", price=70_000)
    [changes] = await edits.preview(tenant, product_id)

    del sandbox.shop("lazada", shop.shop_id).products[published.listing_id]  # removed on Lazada meanwhile
    with pytest.raises(ValidationFailed) as refused:
        await edits.send_changes(tenant, product_id, changes.listing_row_id)
    assert "not found" in refused.value.errors["platform"]
    assert await Listing.count().where((Listing.store == store["id"]) & (Listing.title == "Kaos Baru")) == 0

    missing = await post(owner_client, f"/publish/products/{product_id}/listings/999999/send", {})
    assert missing.status_code == 404
