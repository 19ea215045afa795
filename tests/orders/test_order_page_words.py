"""A marketplace order's page speaks the reader's language: its history says where it came from and
in which state ("Diimpor dari Shopee: Siap dikirim"), not the platform's code ("shopee: TO_SHIP"),
and the header shows the translated state only (the platform's code is a tooltip)."""

from __future__ import annotations

import html
import re

from app.domains.orders.ingest import ingest
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant, tenant_of
from tests.orders.test_ingest import make_store, platform_order
from tests.support import post, unique


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_an_imported_order_reads_in_words(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    store = await make_store(tenant, "shopee")
    result = await ingest(tenant, store, platform_order(unique("2612"), OrderStatus.TO_SHIP, variant["sku"]))

    english = _visible((await owner_client.get(f"/orders/{result.order_id}")).text)
    assert "Imported from Shopee: Ready to ship" in english

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = (await owner_client.get(f"/orders/{result.order_id}")).text
    indonesian = _visible(page)
    assert "Diimpor dari Shopee: Siap dikirim" in indonesian
    assert "TO_SHIP" not in indonesian and "shopee:" not in indonesian
    assert 'title="TO_SHIP"' in page  # still there for whoever hovers
