"""Publishing as an unlisted draft and on Tokopedia too, through the pages as a browser posts them,
against the sandbox over HTTP: what the platform records, and the listing rows' status in StoreSync."""

from __future__ import annotations

import re

import pytest

from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.publishing import services
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.publishing.test_bulk_publish import _wait_finished
from tests.publishing.test_publish_pages import fields_of
from tests.publishing.test_publish_service import answers, kaos
from tests.support import post
from tests.sync.sync_helpers import connected_store

# Each platform's status of an item created as a draft, and what StoreSync calls it.
DRAFT_STATUS = {"shopee": "UNLIST", "tiktok": "DRAFT", "lazada": "InActive"}
DRAFT_STATE = {"shopee": ("unlisted", "Unlisted", "Tidak ditayangkan"), "tiktok": ("draft", "Draft", "Draf"),
               "lazada": ("unlisted", "Unlisted", "Tidak ditayangkan")}


async def _filled_form(client, tenant, link: str, product_id: int, store_id: int) -> dict[str, str]:
    """The publish form as the browser would post it, with the category's mandatory answers chosen."""
    page = await client.get(link)
    assert page.status_code == 200, page.text[:300]
    data = fields_of(page.text)
    proposal = await services.propose(tenant, product_id, store_id)
    data.update({k: v for k, v in answers(proposal).items() if k.startswith("attr_") and v})
    return data


@pytest.mark.parametrize("platform", ["shopee", "tiktok", "lazada"])
async def test_a_draft_is_created_unlisted_and_mapped_with_that_status(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    product_id = await kaos(tenant, prefix="DR")
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    data = await _filled_form(owner_client, tenant, link, product_id, store["id"])
    assert data["visibility"] == "live", "live is the default choice"
    assert "tokopedia" not in data, f"{platform}: a shop that cannot list on Tokopedia is not offered it"
    data["visibility"] = "draft"

    done = await post(owner_client, link, data)
    assert done.status_code == 200, done.text[:500]
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    state, english, indonesian = DRAFT_STATE[platform]
    assert f'class="listing-state">{english}<' in done.text
    item = sandbox.shop(platform, shop.shop_id).products[listing_id]
    assert item.status == DRAFT_STATUS[platform]
    rows = await Listing.select(Listing.status, Listing.listing_state).where(
        (Listing.store == store["id"]) & (Listing.platform_item_id == listing_id))
    assert len(rows) == 4 and all(r["status"] == "mapped" and r["listing_state"] == state for r in rows)

    # The next import reads the same status back from the platform.
    await import_store_listings(tenant, store["id"])
    assert {r["listing_state"] for r in await Listing.select(Listing.listing_state).where(
        Listing.platform_item_id == listing_id)} == {state}

    # The product page's listings show the label, in English and in Indonesian, never the identifier.
    changes = await owner_client.get(f"/publish/products/{product_id}/changes", headers={"HX-Request": "true"})
    assert re.search(rf'listing-state">{english}</span>', changes.text)
    assert DRAFT_STATUS[platform] not in changes.text
    switched = await post(owner_client, "/language", {"locale": "id", "next": f"/products/{product_id}"})
    assert switched.status_code in (200, 303)
    changes = await owner_client.get(f"/publish/products/{product_id}/changes", headers={"HX-Request": "true"})
    assert re.search(rf'listing-state">{indonesian}</span>', changes.text), changes.text[:800]
    listings_page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    assert listings_page.status_code == 200 and f'listing-state">{indonesian}</span>' in listings_page.text


async def test_a_live_publish_is_live_and_a_junk_choice_is_refused(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    product_id = await kaos(tenant, prefix="LV")
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    data = await _filled_form(owner_client, tenant, link, product_id, store["id"])
    before = set(sandbox.shop("shopee", shop.shop_id).products)

    refused = await post(owner_client, link, {**data, "visibility": "hidden"})
    assert refused.status_code == 422 and 'data-field="visibility"' in refused.text
    assert set(sandbox.shop("shopee", shop.shop_id).products) == before

    done = await post(owner_client, link, data)
    assert done.status_code == 200, done.text[:500]
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    assert sandbox.shop("shopee", shop.shop_id).products[listing_id].status == "NORMAL"
    assert {r["listing_state"] for r in await Listing.select(Listing.listing_state).where(
        Listing.platform_item_id == listing_id)} == {"live"}


async def test_tokopedia_is_offered_ticked_where_the_shop_allows_it(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    sandbox.shop("tiktok", shop.shop_id).tokopedia = True
    first, second = await kaos(tenant, prefix="T1"), await kaos(tenant, prefix="T2")

    link = f"/publish/products/{first}/stores/{store['id']}"
    data = await _filled_form(owner_client, tenant, link, first, store["id"])
    assert data.get("tokopedia") == "on", "offered and ticked by default"
    done = await post(owner_client, link, data)
    assert done.status_code == 200, done.text[:500]
    assert "Listed on Tokopedia as well." in done.text
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    product = sandbox.shop("tiktok", shop.shop_id).products[listing_id]
    assert product.listing_platforms == ("TIKTOK_SHOP", "TOKOPEDIA") and product.status == "ACTIVATE"

    # Unticked: the browser sends no tokopedia field at all; the product stays on TikTok Shop only.
    link = f"/publish/products/{second}/stores/{store['id']}"
    data = await _filled_form(owner_client, tenant, link, second, store["id"])
    data.pop("tokopedia")
    done = await post(owner_client, link, {**data, "visibility": "draft"})
    assert done.status_code == 200, done.text[:500]
    assert "Listed on Tokopedia as well." not in done.text
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    product = sandbox.shop("tiktok", shop.shop_id).products[listing_id]
    assert product.listing_platforms == ("TIKTOK_SHOP",) and product.status == "DRAFT"


async def test_tokopedia_is_not_offered_and_refused_if_forced_where_the_shop_does_not_allow_it(owner_client,
                                                                                               sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    product_id = await kaos(tenant, prefix="TN")
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    page = await owner_client.get(link)
    assert 'name="tokopedia"' not in page.text and "Tokopedia" not in page.text
    data = await _filled_form(owner_client, tenant, link, product_id, store["id"])
    before = set(sandbox.shop("tiktok", shop.shop_id).products)

    forced = await post(owner_client, link, {**data, "tokopedia": "on"})
    assert forced.status_code == 422 and 'data-field="tokopedia"' in forced.text
    assert set(sandbox.shop("tiktok", shop.shop_id).products) == before
    assert await Listing.count().where(Listing.store == store["id"]) == 0


async def test_bulk_publish_offers_the_choices_and_creates_drafts(owner_client, sandbox, worker):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    allowing, allowing_store = await connected_store(owner_client, sandbox, "tiktok")
    sandbox.shop("tiktok", allowing.shop_id).tokopedia = True
    first = await kaos(tenant, prefix="BD")
    proposal = await services.propose(tenant, first, store["id"])
    await services.publish(tenant, first, store["id"], answers(proposal))  # the category's answers are remembered
    second = await kaos(tenant, prefix="BE")

    pick = await owner_client.get("/publish/bulk/")
    assert 'name="visibility" value="draft"' in pick.text
    assert re.search(r'name="tokopedia" value="on" checked', pick.text)
    offered = re.search(r"Only for a store that may list on Tokopedia: ([^.]*)\.", pick.text).group(1)
    assert offered == allowing_store["name"]

    started = await post(owner_client, "/publish/bulk/", {"store_id": str(store["id"]), "ids": [str(second)],
                                                           "visibility": "draft", "tokopedia": "on"})
    assert started.status_code in (200, 303), started.text[:300]
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id) & (
        BackgroundJob.kind == "publish_products")).first()
    finished = await _wait_finished(job["id"])
    assert finished["status"] == "complete" and finished["result"]["published"] == 1, finished["result"]
    listing_id = finished["result"]["results"][0]["listing_id"]
    product = sandbox.shop("tiktok", shop.shop_id).products[listing_id]
    assert product.status == "DRAFT" and product.listing_platforms == ("TIKTOK_SHOP",), \
        "Tokopedia only where the chosen store allows it"
    assert {r["listing_state"] for r in await Listing.select(Listing.listing_state).where(
        Listing.platform_item_id == listing_id)} == {"draft"}
