"""The three buttons of a store on the Sync page, pressed as the browser does (htmx, and a plain
form post without JavaScript): each starts its job. "Full reconcile" used to answer 404 because the
router took the static "reconcile" of /reconcile/confirm for its path."""

from __future__ import annotations

import json

import pytest

from app.domains.jobs.tables import BackgroundJob
from tests.support import post
from tests.sync.sync_helpers import connected_store

BUTTONS = {"import": "import_listings", "push": "push_stock", "reconcile": "reconcile"}


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize("action", sorted(BUTTONS))
async def test_each_sync_button_starts_its_job(owner_client, sandbox, action, htmx):
    _shop, store = await connected_store(owner_client, sandbox, "shopee")
    page = await owner_client.get("/sync")
    assert f'action="/sync/stores/{store["id"]}/{action}"' in page.text

    response = await post(owner_client, f"/sync/stores/{store['id']}/{action}", {}, htmx=htmx)

    assert response.status_code == 200, response.text[:300]
    assert "Not found" not in response.text
    started = await BackgroundJob.select(BackgroundJob.kind, BackgroundJob.parameters).where(
        (BackgroundJob.organization == owner_client.account.org_id) & (BackgroundJob.kind == BUTTONS[action]))
    assert len(started) == 1
    parameters = started[0]["parameters"]
    parameters = json.loads(parameters) if isinstance(parameters, str) else parameters
    assert parameters["kwargs"]["store_id"] == store["id"]


async def test_an_emptied_unmapped_queue_does_not_ask_for_an_import(owner_client, sandbox):
    """Once every listing is mapped, the Unmapped tab says so instead of "Import listings"."""
    from app.domains.sync.listing_import import import_store_listings
    from tests.inventory.factories import tenant_of
    from tests.sync.sync_helpers import catalog_for

    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "tiktok")
    await catalog_for(tenant, shop)
    counts = await import_store_listings(tenant, store["id"])
    assert counts.created and not counts.unmapped

    page = await owner_client.get(f"/sync/stores/{store['id']}/listings?status=unmapped")

    assert "No listing waits to be mapped." in page.text
    assert "Import listings from the Sync page" not in page.text
    everything = await owner_client.get(f"/sync/stores/{store['id']}/listings")
    assert "No listing waits to be mapped." not in everything.text
