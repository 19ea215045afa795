"""Putting a published draft on sale, and taking a live listing off sale, from StoreSync: the button
on the store's listings page and on the product page as the browser posts it, the job's work against
each marketplace's sandbox over HTTP (Shopee unlist_item, TikTok products/activate and deactivate,
Lazada UpdateProduct with each SKU's Status), the new state read back by the next listing import, a
refusal in the platform's words, a paused store, and another organisation's listing answering 404."""

from __future__ import annotations

import re

import pytest

from app.domains.audit.tables import AuditEntry
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings import ListingState
from app.domains.listings.tables import Listing
from app.domains.publishing import change_sale, services
from app.domains.stores.statuses import StoreStatus
from app.domains.stores.tables import Store
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.publishing.test_bulk_publish import _wait_finished
from tests.publishing.test_publish_service import answers, kaos
from tests.support import http_client, login, make_account, post
from tests.sync.sync_helpers import connected_store

PLATFORMS = ["shopee", "tiktok", "lazada"]
LIVE = {"shopee": "NORMAL", "tiktok": "ACTIVATE", "lazada": "Active"}
OFF = {"shopee": "UNLIST", "tiktok": "SELLER_DEACTIVATED", "lazada": "InActive"}
DRAFT = {"shopee": "unlisted", "tiktok": "draft", "lazada": "unlisted"}


async def _published(client, sandbox, platform: str, prefix: str, *, draft: bool = True):
    """A connected store of the platform and the kaos product published to it (4 variants)."""
    tenant = tenant_of(client.account)
    shop, store = await connected_store(client, sandbox, platform)
    product_id = await kaos(tenant, prefix=prefix)
    proposal = await services.propose(tenant, product_id, store["id"])
    published = await services.publish(tenant, product_id, store["id"], answers(
        proposal, attr_bahan="Katun", visibility="draft" if draft else "live"))
    rows = await Listing.select(Listing.id).where(
        (Listing.store == store["id"]) & (Listing.platform_item_id == published.listing_id)).order_by(Listing.id)
    return shop, store, product_id, published.listing_id, [r["id"] for r in rows]


def _sale_form(html: str, row_id: int) -> tuple[str, dict[str, str]]:
    """The sale button's form of one row as the browser would post it: its action and every field."""
    form = re.search(rf'<form[^>]*action="(/listings/{row_id}/sale)"(.*?)</form>', html, re.S)
    assert form, f"no sale form for row {row_id}"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    fields.pop("_csrf_token", None)  # the post helper sends the CSRF token as htmx does
    return form.group(1), fields


async def _states(store_id: int, item_id: str) -> set[tuple[str, str, str]]:
    rows = await Listing.select(Listing.listing_state, Listing.sale_change, Listing.sale_error).where(
        (Listing.store == store_id) & (Listing.platform_item_id == item_id))
    return {(r["listing_state"], r["sale_change"], r["sale_error"]) for r in rows}


async def _run_job(client, tenant) -> dict:
    """What the job does (tasks/publishing.py calls this with the recorded arguments), for the last job."""
    job = await BackgroundJob.select().where((BackgroundJob.organization == client.account.org_id) & (
        BackgroundJob.kind == "change_listing_sale")).order_by(BackgroundJob.id, ascending=False).output(
        load_json=True).first()
    kwargs = job["parameters"]["kwargs"]
    return {"kwargs": kwargs, "refused": await change_sale(tenant, kwargs["listing_id"], ListingState(kwargs["state"]))}


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_draft_is_put_on_sale_and_taken_off_sale_again(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, platform, "OS")
    item = sandbox.shop(platform, shop.shop_id).products[item_id]
    assert await _states(store["id"], item_id) == {(DRAFT[platform], "", "")}

    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    assert page.status_code == 200 and page.text.count(">Put on sale</button>") == 4
    action, fields = _sale_form(page.text, rows[1])
    assert fields == {"back": f"/sync/stores/{store['id']}/listings", "to": "live"}
    pressed = await post(owner_client, action, fields, htmx=True, headers={"HX-Target": f"sale-{rows[1]}"})
    assert pressed.status_code == 200 and f'id="sale-{rows[1]}"' in pressed.text
    assert "Putting it on sale on the marketplace" in pressed.text and f'hx-get="/listings/{rows[1]}/sale"' in pressed.text
    assert await _states(store["id"], item_id) == {(DRAFT[platform], "live", "")}, "every row of the item waits"
    assert item.status != LIVE[platform], "nothing is sent before the job runs"
    again = await post(owner_client, action, fields, htmx=True)
    assert again.status_code == 422 and "already on its way" in again.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 1

    outcome = await _run_job(owner_client, tenant)
    assert outcome["kwargs"] == {"listing_id": rows[1], "state": "live", "actor_id": owner_client.account.user_id}
    assert outcome["refused"] == ""
    assert item.status == LIVE[platform]
    assert await _states(store["id"], item_id) == {("live", "", "")}
    polled = await owner_client.get(f"/listings/{rows[1]}/sale", headers={"HX-Request": "true"})
    assert 'listing-state">Live</span>' in polled.text and "hx-get" not in polled.text
    assert ">Take off sale</button>" in polled.text and 'hx-confirm="Take this listing off sale?' in polled.text
    await import_store_listings(tenant, store["id"])
    assert await _states(store["id"], item_id) == {("live", "", "")}, "the next import reads the same status"
    audit = await AuditEntry.select().where((AuditEntry.organization == owner_client.account.org_id) & (
        AuditEntry.action == "listing.sale_changed")).output(load_json=True)
    assert [(a["before"]["listing_state"], a["after"]["listing_state"]) for a in audit] == [(DRAFT[platform], "live")]

    # Taken off sale again, from the product page's listing this time.
    changes = await owner_client.get(f"/publish/products/{_product}/changes", headers={"HX-Request": "true"})
    action, fields = _sale_form(changes.text, rows[0])
    assert fields == {"back": f"/products/{_product}", "to": "unlisted"}
    pressed = await post(owner_client, action, fields, htmx=True)
    assert pressed.status_code == 200 and "Taking it off sale on the marketplace" in pressed.text
    assert (await _run_job(owner_client, tenant))["refused"] == ""
    assert item.status == OFF[platform]
    assert await _states(store["id"], item_id) == {("unlisted", "", "")}
    await import_store_listings(tenant, store["id"])
    assert await _states(store["id"], item_id) == {("unlisted", "", "")}
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    assert 'listing-state">Unlisted</span>' in page.text and page.text.count(">Put on sale</button>") == 4


def _refuse(platform: str, item) -> str:
    """Make the marketplace refuse a change of the item; the words it will answer with."""
    if platform == "shopee":
        item.status = "BANNED"
        return "Item status is BANNED; it cannot be listed or unlisted."
    if platform == "tiktok":
        item.images = ()
        item.description = ""
        return "The draft cannot be activated: it is missing required information (description, main_images)."
    item.status = "Suspended"
    return f"item {item.product_id} is suspended; its status cannot be changed."


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_refusal_shows_the_platforms_words_and_keeps_the_state(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, platform, "OR")
    item = sandbox.shop(platform, shop.shop_id).products[item_id]
    words = _refuse(platform, item)
    status_before = item.status

    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    action, fields = _sale_form(page.text, rows[0])
    assert (await post(owner_client, action, fields)).status_code == 303, "without htmx: back to the page"
    outcome = await _run_job(owner_client, tenant)
    assert words in outcome["refused"]
    assert item.status == status_before
    assert await _states(store["id"], item_id) == {(DRAFT[platform], "", outcome["refused"])}
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    shown = page.text.replace("&#39;", "'")
    assert f'role="alert">The marketplace refused the change: {outcome["refused"]}' in shown and words in shown
    assert ">Put on sale</button>" in page.text, "the seller may try again once fixed"
    assert await AuditEntry.count().where((AuditEntry.organization == owner_client.account.org_id) & (
        AuditEntry.action == "listing.sale_refused")) == 1


async def test_a_tiktok_product_taken_off_sale_twice_is_refused_in_tiktoks_words(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "tiktok", "OT", draft=False)
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    action, fields = _sale_form(page.text, rows[0])
    assert fields["to"] == "unlisted"
    await post(owner_client, action, fields, htmx=True)
    sandbox.shop("tiktok", shop.shop_id).products[item_id].status = "SELLER_DEACTIVATED"  # done on TikTok meanwhile
    outcome = await _run_job(owner_client, tenant)
    assert outcome["refused"] == "Only a live product can be deactivated; this one is SELLER_DEACTIVATED."
    assert await _states(store["id"], item_id) == {("live", "", outcome["refused"])}


async def test_a_store_that_is_not_connected_says_so_and_starts_nothing(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "shopee", "OP")
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    action, fields = _sale_form(page.text, rows[0])
    await Store.update({Store.status: StoreStatus.PAUSED}).where(Store.id == store["id"])

    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    assert "/sale" not in page.text and page.text.count("resume or reconnect it to put listings on sale") == 4
    pressed = await post(owner_client, action, fields, htmx=True)
    assert pressed.status_code == 422 and 'role="alert">This store is not connected now' in pressed.text
    plain = await post(owner_client, action, fields)
    assert plain.status_code == 303 and plain.headers["location"] == fields["back"]
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 0
    assert await _states(store["id"], item_id) == {("unlisted", "", "")}

    # A job queued before the pause sends nothing either: it says why on the row.
    await Store.update({Store.status: StoreStatus.ACTIVE}).where(Store.id == store["id"])
    await post(owner_client, action, fields, htmx=True)
    await Store.update({Store.status: StoreStatus.PAUSED}).where(Store.id == store["id"])
    outcome = await _run_job(owner_client, tenant)
    assert "not connected now" in outcome["refused"]
    assert sandbox.shop("shopee", shop.shop_id).products[item_id].status == "UNLIST"
    assert await _states(store["id"], item_id) == {("unlisted", "", outcome["refused"])}


async def test_a_junk_choice_or_a_state_it_does_not_apply_to_is_refused(owner_client, sandbox):
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "lazada", "OJ")
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    action, fields = _sale_form(page.text, rows[0])
    for to in ("", "draft", "LIVE"):
        refused = await post(owner_client, action, {**fields, "to": to}, htmx=True)
        assert refused.status_code == 422 and "Choose whether to put the listing on sale" in refused.text, to
    for back in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/logout"):
        plain = await post(owner_client, action, {**fields, "to": "", "back": back})
        assert plain.status_code == 303 and plain.headers["location"] == "/sync", back
    off = await post(owner_client, action, {**fields, "to": "unlisted"}, htmx=True)
    assert off.status_code == 422 and "not in a state that can be changed this way" in off.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 0
    assert await _states(store["id"], item_id) == {("unlisted", "", "")}
    assert sandbox.shop("lazada", shop.shop_id).products[item_id].status == "InActive"


async def test_another_organisations_listing_answers_404(app, owner_client, sandbox):
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "tiktok", "OX")
    stranger = await make_account()
    async with http_client(app) as stranger_client:
        await login(stranger_client, stranger)
        stranger_client.account = stranger
        for data in ({"to": "live", "back": "/sync"}, {"to": "", "back": ""}):
            assert (await post(stranger_client, f"/listings/{rows[0]}/sale", data)).status_code == 404
            assert (await post(stranger_client, f"/listings/{rows[0]}/sale", data, htmx=True)).status_code == 404
        assert (await stranger_client.get(f"/listings/{rows[0]}/sale")).status_code == 404
    assert (await post(owner_client, "/listings/999999999/sale", {"to": "live", "back": "/sync"})).status_code == 404
    assert await BackgroundJob.count().where(
        BackgroundJob.organization.is_in([owner_client.account.org_id, stranger.org_id])) == 0
    assert await _states(store["id"], item_id) == {("draft", "", "")}
    assert sandbox.shop("tiktok", shop.shop_id).products[item_id].status == "DRAFT"


async def test_the_job_puts_the_listing_on_sale_through_the_worker(owner_client, sandbox, worker):
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "shopee", "OW")
    page = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    action, fields = _sale_form(page.text, rows[0])
    pressed = await post(owner_client, action, fields)
    assert pressed.status_code == 303
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id) & (
        BackgroundJob.kind == "change_listing_sale")).first()
    finished = await _wait_finished(job["id"])
    assert finished["status"] == "complete" and finished["result"]["changed"] is True, finished
    assert sandbox.shop("shopee", shop.shop_id).products[item_id].status == "NORMAL"
    assert await _states(store["id"], item_id) == {("live", "", "")}


async def test_the_buttons_states_and_refusal_read_in_indonesian(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store, _product, item_id, rows = await _published(owner_client, sandbox, "shopee", "OI")
    listings_page = f"/sync/stores/{store['id']}/listings"
    switched = await post(owner_client, "/language", {"locale": "id", "next": listings_page})
    assert switched.status_code in (200, 303)
    page = await owner_client.get(listings_page)
    assert page.text.count(">Tayangkan</button>") == 4 and 'listing-state">Tidak ditayangkan</span>' in page.text
    sandbox.shop("shopee", shop.shop_id).products[item_id].status = "BANNED"
    action, fields = _sale_form(page.text, rows[0])
    pressed = await post(owner_client, action, fields, htmx=True)
    assert "Sedang ditayangkan di marketplace…" in pressed.text
    await _run_job(owner_client, tenant)
    page = await owner_client.get(listings_page)
    assert "Marketplace menolak perubahan: Item status is BANNED; it cannot be listed or unlisted." in page.text, \
        "the label translated, the platform's words as it wrote them"
    await Store.update({Store.status: StoreStatus.DISCONNECTED}).where(Store.id == store["id"])
    page = await owner_client.get(listings_page)
    assert page.text.count("Toko ini sedang tidak terhubung") == 4 and ">Tayangkan</button>" not in page.text
