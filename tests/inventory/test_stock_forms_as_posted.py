"""Adjust and transfer posted exactly as the stock page's forms send them: every field, empty
values included; bad input gets its field's sentence and moves no stock."""

from __future__ import annotations

import pytest

from app.domains.inventory import stock
from app.domains.inventory.tables import StockLevel, StockMovement
from tests.inventory.factories import make_location, make_variant, tenant_of
from tests.support import post


async def _levels(variant_id: int) -> dict[int, int]:
    return {r["location"]: r["on_hand"] for r in await StockLevel.select().where(StockLevel.variant == variant_id)}


async def test_adjust_as_the_browser_posts_it(owner_client):
    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    done = await post(owner_client, "/inventory/adjust", {"code": f" {v['sku']} ", "location_id": str(loc["id"]),
                                                          "delta": " 7 ", "reason": "received"}, htmx=True)
    assert done.status_code == 200, done.text[:500]
    assert await _levels(v["id"]) == {loc["id"]: 7}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "Type or scan the SKU or barcode."),
    ("code", "NOPE-404", "No variant has the SKU or barcode NOPE-404."),
    ("location_id", "", "Choose a location."),
    ("location_id", "abc", "Choose a location."),
    ("delta", "", "Enter a whole number such as 5 or -3."),
    ("delta", "1.5", "Enter a whole number such as 5 or -3."),
    ("delta", "1e3", "Enter a whole number such as 5 or -3."),
])
async def test_adjust_refuses_each_bad_field_and_moves_nothing(owner_client, field, value, message):
    tenant = tenant_of(owner_client.account)
    v, loc = await make_variant(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], loc["id"], 3)
    moves = await StockMovement.count()
    data = {"code": v["sku"], "location_id": str(loc["id"]), "delta": "2", "reason": "x", field: value}
    response = await post(owner_client, "/inventory/adjust", data, htmx=True)
    assert response.status_code == 422, response.text[:500]
    assert message in response.text
    assert await StockMovement.count() == moves and await _levels(v["id"]) == {loc["id"]: 3}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("code", "", "Type or scan the SKU or barcode."),
    ("code", "NOPE-404", "No variant has the SKU or barcode NOPE-404."),
    ("source_id", "", "Choose where the goods leave."),
    ("target_id", "x", "Choose where the goods arrive."),
    ("quantity", "", "Enter how many units move."),
    ("quantity", "2.5", "Enter how many units move."),
])
async def test_transfer_refuses_each_bad_field_and_moves_nothing(owner_client, field, value, message):
    tenant = tenant_of(owner_client.account)
    v, a, b = await make_variant(tenant), await make_location(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], a["id"], 5)
    moves = await StockMovement.count()
    data = {"code": v["sku"], "source_id": str(a["id"]), "target_id": str(b["id"]), "quantity": "2", "reason": "",
            field: value}
    response = await post(owner_client, "/inventory/transfer", data, htmx=True)
    assert response.status_code == 422, response.text[:500]
    assert message in response.text
    assert await StockMovement.count() == moves and await _levels(v["id"]) == {a["id"]: 5}


async def test_transfer_as_the_browser_posts_it_with_an_empty_reason(owner_client):
    tenant = tenant_of(owner_client.account)
    v, a, b = await make_variant(tenant), await make_location(tenant), await make_location(tenant)
    await stock.receive(tenant, v["id"], a["id"], 5)
    done = await post(owner_client, "/inventory/transfer", {"code": v["sku"], "source_id": str(a["id"]),
                                                            "target_id": str(b["id"]), "quantity": "2", "reason": ""},
                      htmx=True)
    assert done.status_code == 200, done.text[:500]
    assert await _levels(v["id"]) == {a["id"]: 3, b["id"]: 2}
