"""The sync log's lines are in the reader's language: a listing import's summary was written in
English by the worker and shown as such on the Indonesian page."""

from __future__ import annotations

import html
import re

from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.support import post
from tests.sync.sync_helpers import catalog_for, connected_store


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_an_import_summary_reads_in_the_readers_language(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    counts = await import_store_listings(tenant, store["id"])
    assert counts.created > 0

    english = _text((await owner_client.get("/sync")).text)
    assert f"{counts.created} new, 0 updated, {counts.auto_mapped} mapped, {counts.unmapped} waiting to be mapped" \
        in english

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    for url in ("/sync", f"/sync/stores/{store['id']}/history"):
        indonesian = _text((await owner_client.get(url)).text)
        assert f"{counts.created} baru, 0 diperbarui, {counts.auto_mapped} dipetakan, {counts.unmapped} menunggu " \
               "dipetakan" in indonesian, url
        assert "waiting to be mapped" not in indonesian and '"msg"' not in indonesian


async def test_a_reconcile_summary_reads_in_the_readers_language(owner_client, sandbox):
    from app.domains.sync.reconcile import reconcile_store

    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, "shopee")
    await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    result = await reconcile_store(tenant, store["id"])

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = _text((await owner_client.get(f"/sync/stores/{store['id']}/history")).text)
    assert f"{result['compared']} listing dibandingkan, {result['drifted']} berbeda" in page
    assert "listings compared" not in page and '"msg"' not in page
