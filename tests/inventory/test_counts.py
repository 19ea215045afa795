"""Stock opname: scan, type, review, post; refusals change nothing."""

from __future__ import annotations

import re

from app.domains.inventory import stock
from app.domains.inventory.tables import StockCount, StockLevel, StockMovement
from tests.inventory.factories import make_location, make_variant, tenant_of
from tests.support import post


async def _open(client, location_id: int) -> int:
    response = await post(client, "/inventory/counts", {"location_id": location_id}, follow_redirects=False)
    assert response.status_code in (200, 303)
    return int(re.search(r"/inventory/counts/(\d+)", response.headers["location"]).group(1))


async def test_scan_type_and_post_a_count(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt = await make_variant(tenant, barcode="8991111111111")
    cap = await make_variant(tenant, barcode="8992222222222")
    loc = await make_location(tenant)
    await stock.receive(tenant, shirt["id"], loc["id"], 5)
    await stock.receive(tenant, cap["id"], loc["id"], 2)
    count_id = await _open(owner_client, loc["id"])
    for _ in range(3):
        r = await post(owner_client, f"/inventory/counts/{count_id}/scan", {"code": "8991111111111"}, htmx=True)
        assert r.status_code == 200
    assert "counted: 3" in r.text
    r = await post(owner_client, f"/inventory/counts/{count_id}/scan", {"code": cap["sku"], "quantity": "2"}, htmx=True)
    assert "counted: 2" in r.text
    bad = await post(owner_client, f"/inventory/counts/{count_id}/scan", {"code": "0000000000"}, htmx=True)
    assert bad.status_code == 422 and "Unknown barcode" in bad.text
    posted = await post(owner_client, f"/inventory/counts/{count_id}/post", htmx=True)
    assert posted.status_code == 200
    levels = {r["variant"]: r["on_hand"] for r in await StockLevel.select().where(StockLevel.location == loc["id"])}
    assert levels == {shirt["id"]: 3, cap["id"]: 2}
    moves = await StockMovement.select(StockMovement.on_hand_delta).where(StockMovement.reference == f"count:{count_id}")
    assert [m["on_hand_delta"] for m in moves] == [-2]  # only the shirt changed
    again = await post(owner_client, f"/inventory/counts/{count_id}/post", htmx=True)
    assert again.status_code == 409 and "already posted" in again.text


async def test_post_refuses_when_stock_moved_during_the_count(owner_client):
    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 10)
    count_id = await _open(owner_client, loc["id"])
    await post(owner_client, f"/inventory/counts/{count_id}/scan", {"code": v["sku"], "quantity": "9"}, htmx=True)
    await stock.receive(tenant, v["id"], loc["id"], 1)  # a delivery arrives mid-count
    refused = await post(owner_client, f"/inventory/counts/{count_id}/post", htmx=True)
    assert refused.status_code == 409 and "count again" in refused.text and v["sku"] in refused.text
    level = await StockLevel.select().where(StockLevel.variant == v["id"]).first()
    assert level["on_hand"] == 11
    assert (await StockCount.select(StockCount.status).where(StockCount.id == count_id).first())["status"] == "open"
