"""The audit log names a marketplace cancel or shipment a person asked for ("Change", with nothing
else, before) and the cancel's reason in words."""

from __future__ import annotations

import html
import re

from app.domains.audit.tables import AuditEntry
from tests.fulfillment.test_fulfillment_ship import _marketplace_order
from tests.support import post


def _row(page: str, entry_id: int) -> str:
    match = re.search(rf'<tr id="audit-{entry_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for audit entry {entry_id}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))))


async def test_a_marketplace_cancel_request_reads_in_words(owner_client, sandbox):
    _tenant, _shop, _placed, _variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert asked.status_code == 200
    entry = await AuditEntry.select().where((AuditEntry.organization == owner_client.account.org_id) & (
        AuditEntry.action == "order.cancel_requested")).first()

    english = _row((await owner_client.get("/audit")).text, entry["id"])
    assert "Cancel asked of the marketplace" in english and "Reason: Out of stock" in english
    assert "out_of_stock" not in english.split("Raw record")[0]

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _row((await owner_client.get("/audit")).text, entry["id"])
    assert "Pembatalan diminta ke marketplace" in indonesian and "Stok habis" in indonesian
