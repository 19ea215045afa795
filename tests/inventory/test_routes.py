"""Stock screens over HTTP: adjust, transfer, movements, locations, low stock."""

from __future__ import annotations

from app.domains.inventory import stock
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_variant, tenant_of
from tests.support import post


async def test_adjust_by_scanned_barcode_and_see_it_in_history(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant, barcode="8990001112223")
    loc = await make_location(tenant)
    response = await post(owner_client, "/inventory/adjust", {"code": "8990001112223", "location_id": loc["id"],
                                                               "delta": "12", "reason": "initial stock"}, htmx=True)
    assert response.status_code == 200, response.text[:500]
    level = await StockLevel.select().where(StockLevel.variant == v["id"]).first()
    assert level["on_hand"] == 12
    history = await owner_client.get("/inventory/movements", params={"variant": v["id"]})
    assert "initial stock" in history.text and "+12" in history.text
    csv_text = (await owner_client.get("/inventory/movements.csv", params={"variant": v["id"]})).text
    assert csv_text.splitlines()[0].startswith("time,sku,location") and v["sku"] in csv_text


async def test_bad_adjustments_are_refused_and_change_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 3)
    moves = await StockMovement.count().where(StockMovement.variant == v["id"])
    cases = [({"code": "NOPE-404", "location_id": loc["id"], "delta": "1", "reason": "x"}, "No variant has"),
             ({"code": v["sku"], "location_id": loc["id"], "delta": "abc", "reason": "x"}, "whole number"),
             ({"code": v["sku"], "location_id": loc["id"], "delta": "0", "reason": "x"}, "other than zero"),
             ({"code": v["sku"], "location_id": loc["id"], "delta": "-5", "reason": "rusak"}, "Not enough stock"),
             ({"code": v["sku"], "location_id": loc["id"], "delta": "2", "reason": ""}, "Give a reason")]
    for data, message in cases:
        response = await post(owner_client, "/inventory/adjust", data, htmx=True)
        assert response.status_code == 422, data
        assert message in response.text, (message, response.text[:1500])
    assert await StockMovement.count().where(StockMovement.variant == v["id"]) == moves


async def test_transfer_moves_units_between_locations(owner_client):
    tenant = tenant_of(owner_client.account)
    v, a, b = await make_variant(tenant), await make_location(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], a["id"], 10)
    response = await post(owner_client, "/inventory/transfer", {"code": v["sku"], "source_id": a["id"],
                                                                 "target_id": b["id"], "quantity": "4"}, htmx=True)
    assert response.status_code == 200
    levels = {r["location"]: r["on_hand"] for r in await StockLevel.select().where(StockLevel.variant == v["id"])}
    assert levels == {a["id"]: 6, b["id"]: 4}
    refused = await post(owner_client, "/inventory/transfer", {"code": v["sku"], "source_id": a["id"],
                                                                "target_id": b["id"], "quantity": "99"}, htmx=True)
    assert refused.status_code == 422 and "Not enough stock" in refused.text


async def test_low_stock_counter_and_filter(owner_client):
    from app.domains.catalog.tables import Variant

    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    await Variant.update({Variant.reorder_point: 5}).where(Variant.id == v["id"])
    await stock.receive(tenant, v["id"], loc["id"], 3)
    counter = await owner_client.get("/inventory/low-stock-count", headers={"HX-Request": "true"})
    assert '"counter"' in counter.text and ">1<" in counter.text
    low = await owner_client.get("/inventory", params={"low": "true"})
    assert v["sku"] in low.text


async def test_locations_can_be_added_with_unique_codes(owner_client):
    ok = await post(owner_client, "/inventory/locations", {"name": "Gudang Bekasi", "code": "bks"}, htmx=True)
    assert ok.status_code == 200 and "BKS" in ok.text
    dup = await post(owner_client, "/inventory/locations", {"name": "Lagi", "code": "BKS"}, htmx=True)
    assert dup.status_code == 422 and "already used" in dup.text


async def test_show_more_opened_in_a_new_tab_is_the_stock_page_not_a_bare_table_row(owner_client):
    """The "Show more" link swaps rows in with htmx; opened as a link (a new tab, no JavaScript) the
    same URL must be the whole page with those rows, not a table row without the page around it."""
    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 3)
    url = "/inventory?after=999999999&q=&location=&low="
    page = await owner_client.get(url)
    assert page.status_code == 200 and "<html" in page.text and 'id="stock-page"' in page.text
    assert v["sku"] in page.text
    rows = await owner_client.get(url, headers={"HX-Request": "true", "HX-Target": "stock-more"})
    assert rows.status_code == 200 and "<html" not in rows.text and v["sku"] in rows.text
