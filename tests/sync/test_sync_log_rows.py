"""Sync log lines name their store, listing and SKU and say from → to; a listing whose push failed
offers a Retry push button that pushes it again."""

from __future__ import annotations

import html
import re
import uuid

from app.domains.inventory import stock
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.push import push_store
from app.domains.sync.reconcile import reconcile_store
from app.domains.sync.tables import SyncLog
from tests.inventory.factories import make_location, tenant_of
from tests.support import post
from tests.sync.sync_helpers import catalog_for, connected_store


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_log_lines_name_store_listing_and_sku_and_a_failed_push_is_retried(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    location = await make_location(tenant)
    listing = await Listing.select(Listing.all_columns(), Listing.variant.sku.as_alias("sku")).where(
        Listing.store == store["id"]).order_by(Listing.id).first()
    await stock.receive(tenant, listing["variant"], location["id"], 7)
    await push_store(tenant, store["id"], variant_ids=[listing["variant"]], force=True)
    await stock.receive(tenant, listing["variant"], location["id"], 2)
    # the marketplace no longer knows the listing's model: that one push fails, in its own words
    product = shop.products[listing["platform_item_id"]]
    saved, product.skus = product.skus, []
    try:
        await push_store(tenant, store["id"], variant_ids=[listing["variant"]], force=True)
    finally:
        product.skus = saved

    page = _text((await owner_client.get(f"/sync/stores/{store['id']}/history")).text)
    title = listing["title"]
    assert f"Stock push {store['name']} {title}" in page, page[:2000]
    assert f"{listing['sku']} 0 → 7 sent" not in page  # the first push had nothing before it
    assert f"{listing['sku']} → 7 sent" in page
    assert f"{listing['sku']} 7 → 9 Model not found." in page
    assert "push 40 sent" not in page and "listing " not in page.lower().split("stock push")[0][-20:]

    rows = (await owner_client.get(f"/sync/stores/{store['id']}/listings")).text
    assert f'id="retry-push-{listing["id"]}"' in rows
    failed_line = await SyncLog.select(SyncLog.id).where(
        (SyncLog.listing_id == listing["id"]) & (SyncLog.level == "error")).first()
    raw_page = (await owner_client.get(f"/sync/stores/{store['id']}/history")).text
    assert f'id="retry-log-{failed_line["id"]}"' in raw_page
    assert raw_page.count('id="retry-log-') == 1  # only the failed line offers it

    # pressed on the log line: the answer is that line, pushed again
    response = await post(owner_client, f"/listings/{listing['id']}/retry", htmx=True,
                          headers={"HX-Target": f"log-{failed_line['id']}"})
    assert response.status_code == 200, response.text[:400]
    line = _text(response.text)
    assert f'id="log-{failed_line["id"]}"' in response.text and "→ 9 sent again" in line and listing["sku"] in line
    listing_row = await post(owner_client, f"/listings/{listing['id']}/retry", htmx=True)
    assert listing_row.status_code == 200 and f'id="listing-{listing["id"]}"' in listing_row.text
    assert f'id="retry-push-{listing["id"]}"' not in listing_row.text
    after = await Listing.select(Listing.last_pushed_qty, Listing.last_push_error).where(
        Listing.id == listing["id"]).first()
    assert after == {"last_pushed_qty": 9, "last_push_error": ""}
    assert product.skus[0].stock == 9 or any(s.stock == 9 for s in product.skus)


async def test_log_labels_are_translated(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = _text((await owner_client.get("/sync")).text)
    assert "Impor listing" in page and store["name"] in page


async def test_engine_lines_read_in_the_readers_language(owner_client, sandbox):
    """The import's counts and the reconcile's lines are stored as messages, read in the reader's language."""
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    counts = await import_store_listings(tenant, store["id"])
    product = next(iter(shop.products.values()))
    product.skus[0].stock = 6  # selling on the marketplace, nothing here: the reconcile waits for the seller
    await reconcile_store(tenant, store["id"])

    english = _text((await owner_client.get("/sync")).text)
    assert (f"{counts.created} new, {counts.updated} updated, {counts.auto_mapped} mapped, "
            f"{counts.unmapped} waiting to be mapped") in english, english[:3000]
    assert "marketplace had 6, StoreSync offers 0 — waiting for your confirmation: it would stop selling" in english

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = _text((await owner_client.get("/sync")).text)
    assert (f"{counts.created} baru, {counts.updated} diperbarui, {counts.auto_mapped} dipetakan, "
            f"{counts.unmapped} menunggu dipetakan") in page, page[:3000]
    assert "di marketplace 6, StoreSync menawarkan 0 — menunggu konfirmasi Anda: listing akan berhenti terjual" in page
    assert "listing dibandingkan" in page and "menunggu konfirmasi Anda" in page
    assert "waiting to be mapped" not in page and "marketplace had" not in page and "listings compared" not in page


async def test_the_reconcile_job_page_lists_what_drifted_and_what_was_done(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    product = next(iter(shop.products.values()))
    product.skus[0].stock = 6  # would stop selling: waits for the seller
    result = await reconcile_store(tenant, store["id"])
    waiting = next(d for d in result["drift"] if d["done"] == "waiting")
    # the worker's record of the finished job (Redis has forgotten it: the row holds the outcome)
    job = BackgroundJob(organization=tenant.organization_id, kind="reconcile", label="Reconcile", status="complete",
                        saq_key=f"bg:{uuid.uuid4().hex}", result=result)
    await job.save()

    page = (await owner_client.get(f"/jobs/{job.id}")).text
    text = _text(page)
    assert "Drifted listings" in text and f'href="/listings/{waiting["listing_id"]}/history"' in page
    assert f"{waiting['listing']} marketplace 6 → StoreSync 0 waiting for your confirmation" in text, text[:3000]
    assert "waiting_confirmation" not in text and f"· {result['waiting_confirmation']} waiting for your confirmation" in text

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    text = _text((await owner_client.get(f"/jobs/{job.id}")).text)
    assert "Listing yang berbeda" in text and f"{result['waiting_confirmation']} menunggu konfirmasi Anda" in text
    assert f"{waiting['listing']} di marketplace 6 → StoreSync 0 menunggu konfirmasi Anda" in text, text[:3000]
