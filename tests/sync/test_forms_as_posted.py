"""Sync forms as a browser posts them: an empty number, no box ticked, a tampered selection. Each
is refused with a sentence and changes nothing."""

from __future__ import annotations

from app.domains.jobs.tables import BackgroundJob
from app.domains.listings import allocation
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.tenancy_registry import ROW_FACTORIES


async def test_an_empty_or_wordy_threshold_is_refused_and_keeps_the_rule(owner_client):
    tenant = tenant_of(owner_client.account)
    saved = await post(owner_client, "/sync/allocation", {"threshold": " 4 ", "sku": ""})
    assert saved.status_code == 200 and await allocation.threshold(tenant) == 4
    for typed in ("", "lots", "2.5"):
        refused = await post(owner_client, "/sync/allocation", {"threshold": typed, "sku": ""})
        assert refused.status_code == 422 and "Enter a number between 0 and 100000." in refused.text, typed
    out_of_range = await post(owner_client, "/sync/allocation", {"threshold": "100001", "sku": ""})
    assert out_of_range.status_code == 422
    assert await allocation.threshold(tenant) == 4


async def test_a_listings_bulk_action_needs_an_action_and_a_valid_selection(owner_client):
    store_id = await ROW_FACTORIES["store_id"](owner_client.account)
    back = f"/sync/stores/{store_id}/listings?status=unmapped"
    for data, sentence in (({"action": "map_suggested", "back": back}, "Tick at least one listing first."),
                           ({"action": "map_suggested", "back": back, "listing_id": ["2", "x"]},
                            "The selection is not valid"),
                           ({"action": "", "back": back, "listing_id": ["2"]},
                            "Choose what to do with the ticked listings.")):
        response = await post(owner_client, "/listings/bulk", data)
        assert response.status_code == 303 and response.headers["location"] == back
        assert sentence in (await owner_client.get(back)).text, sentence


async def test_confirming_a_reconcile_with_nothing_or_junk_ticked_starts_no_job(owner_client):
    store_id = await ROW_FACTORIES["store_id"](owner_client.account)
    jobs_before = await BackgroundJob.count()
    page = f"/sync/stores/{store_id}/reconcile/confirm"
    for data in ({}, {"listing_id": ["abc"]}, {"listing_id": ["999999999"]}):
        response = await post(owner_client, page, data)
        assert response.status_code == 303 and response.headers["location"] == page
        assert "Tick at least one listing first." in (await owner_client.get(page)).text
    assert await BackgroundJob.count() == jobs_before
