"""Bulk "Publish to…": a background job with progress, one result per product, a retry from the result."""

from __future__ import annotations

import asyncio

from app.domains.catalog.images import set_variant_image
from app.domains.catalog.services import get_product
from app.domains.jobs.tables import BackgroundJob
from app.domains.listings.tables import Listing
from app.domains.publishing import services
from tests.inventory.factories import tenant_of
from tests.publishing.test_publish_service import answers, kaos, photo
from tests.support import post
from tests.sync.sync_helpers import connected_store


async def _wait_finished(job_id: int, timeout: float = 60) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        job = await BackgroundJob.select().where(BackgroundJob.id == job_id).output(load_json=True).first()
        if job["status"] in ("complete", "failed", "aborted"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the bulk publish did not finish")


async def test_bulk_publish_reports_each_product_and_a_refused_one_is_retried(owner_client, sandbox, worker):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    first = await kaos(tenant, prefix="B1")
    proposal = await services.propose(tenant, first, store["id"])
    await services.publish(tenant, first, store["id"], answers(proposal))  # the category's answers are remembered
    good, bare = await kaos(tenant, prefix="B2"), await kaos(tenant, side=0, prefix="B3")

    pick = await owner_client.get("/publish/bulk/")
    assert pick.status_code == 200 and f'name="ids" value="{bare}"' in pick.text
    assert f'<option value="{store["id"]}">' in pick.text
    junk = await post(owner_client, "/publish/bulk/", {"store_id": "x"})
    assert junk.status_code == 422 and "Tick the products" in junk.text
    started = await post(owner_client, "/publish/bulk/", {"store_id": str(store["id"]),
                                                           "ids": [str(good), str(bare), "junk"]})
    assert started.status_code in (200, 303), started.text[:300]
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id) & (
        BackgroundJob.kind == "publish_products")).first()
    finished = await _wait_finished(job["id"])
    assert finished["status"] == "complete", finished["error"]
    assert finished["result"]["published"] == 1 and finished["result"]["refused"] == 1
    assert finished["done"] == 2 and finished["errors"] == 1

    page = await owner_client.get(f"/publish/bulk/{job['id']}")
    assert page.status_code == 200
    retry = f"/publish/products/{bare}/stores/{store['id']}"
    assert retry in page.text and 'data-field="photos"' in page.text
    assert f"/publish/products/{good}/stores/" not in page.text, "a published product offers no retry"

    _product, rows = await get_product(tenant, bare)
    await set_variant_image(tenant, bare, rows[0]["id"], photo(700))
    again = await services.propose(tenant, bare, store["id"])
    await services.publish(tenant, bare, store["id"], answers(again))
    assert await Listing.count().where((Listing.store == store["id"]) & (Listing.status == "mapped")) == 12
    assert len(sandbox.shop("tiktok", shop.shop_id).products) == 2 + 3
