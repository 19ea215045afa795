"""The audit log reads as changes with names (SKUs, locations, order numbers), translated, and
keeps each raw record one tap away."""

from __future__ import annotations

import html
import re

from app.domains.audit.tables import AuditEntry
from app.domains.catalog.services import set_bundle
from app.domains.inventory.counts import open_count
from app.domains.inventory.locations import update_location
from app.domains.orders.tables import Order, OrderLine
from tests.inventory.factories import make_location, make_variant
from tests.orders.test_routes import _manual_ready_order, _ready_order
from tests.support import post


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _row(page: str, entry_id: int) -> str:
    match = re.search(rf'<tr id="audit-{entry_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for audit entry {entry_id}"
    return match.group(1)


async def _entry(org_id: int, action: str) -> dict:
    return await AuditEntry.select().where((AuditEntry.organization == org_id) & (AuditEntry.action == action)).order_by(
        AuditEntry.id, ascending=False).first()


async def test_changes_read_with_names_and_the_raw_record_stays_one_tap_away(owner_client):
    # A manual order: its states are StoreSync's own to change (a marketplace order ships through its platform).
    tenant, variant, order_id = await _manual_ready_order(owner_client.account, units=5, qty=3)
    number = (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]
    await post(owner_client, f"/orders/{order_id}/state", {"state": "shipped"}, htmx=True)
    line = await OrderLine.select().where(OrderLine.order == order_id).first()
    opened = await post(owner_client, f"/orders/{order_id}/returns", {f"qty-{line['id']}": "2", "reason": ""},
                        htmx=True)
    assert opened.status_code == 200
    location = await make_location(tenant, "BRT1")
    await update_location(tenant, location["id"], "Gudang Barat", "BRT1")
    await open_count(tenant, location["id"])
    bundle = await make_variant(tenant, name="Paket Hemat")
    await set_bundle(tenant, bundle["id"], [(variant["sku"], 2)])

    page = (await owner_client.get("/audit")).text
    org = owner_client.account.org_id

    returned = _text(_row(page, (await _entry(org, "return.opened"))["id"]))
    assert "Return opened" in returned and number in returned
    assert f"Lines: {variant['sku']} × 2" in returned
    assert '"lines"' in html.unescape(_row(page, (await _entry(org, "return.opened"))["id"]))  # the raw record
    assert "<details" in _row(page, (await _entry(org, "return.opened"))["id"])
    renamed = _text(_row(page, (await _entry(org, "location.updated"))["id"]))
    assert "Location changed" in renamed and "Name: Gudang BRT1 → Gudang Barat" in renamed
    counted = _text(_row(page, (await _entry(org, "stock_count.opened"))["id"]))
    assert "Stock count opened" in counted and "Location: Gudang Barat" in counted
    bundled = _text(_row(page, (await _entry(org, "variant.bundle_set"))["id"]))
    assert f"Components: {variant['sku']} × 2" in bundled and f"Variant {bundle['sku']}" in bundled
    shipped = _text(_row(page, (await _entry(org, "order.transition"))["id"]))
    assert "Order status changed" in shipped and f"Order {number}" in shipped
    assert "Status: ready to ship → shipped" in shipped
    visible = _text(re.sub(r"<details.*?</details>", "", page, flags=re.S))
    assert "order.transition" not in visible and "return.opened" not in visible and "ready_to_ship" not in visible


async def test_the_audit_log_speaks_indonesian(owner_client):
    tenant, _variant, _order_id = await _ready_order(owner_client.account)
    location = await make_location(tenant, "TMR1")
    await update_location(tenant, location["id"], "Gudang Timur", "TMR1")
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    row = _text(_row((await owner_client.get("/audit")).text,
                     (await _entry(owner_client.account.org_id, "location.updated"))["id"]))
    assert "Lokasi diubah" in row and "Nama: Gudang TMR1 → Gudang Timur" in row
