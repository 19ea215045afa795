"""Scan-to-pack at the bench: every unit counted once, wrong and surplus items refused loudly with
nothing counted, unknown codes and other organisations' orders refused, packed when complete."""

from __future__ import annotations

import re

from app.domains.fulfillment.tables import PackScan
from app.domains.inventory.tables import StockLevel
from app.domains.orders.tables import Order
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.support import make_account, post


async def _number(order_id: int) -> str:
    return (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]


async def _state(order_id: int) -> str:
    return (await Order.select(Order.state).where(Order.id == order_id).first())["state"]


async def _counted(order_id: int) -> int:
    return await PackScan.count().where((PackScan.order == order_id) & (PackScan.outcome == "counted"))


async def test_packing_counts_each_unit_and_packs_when_all_are_scanned(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt, cap = await stocked_variant(tenant), await stocked_variant(tenant, name="Topi")
    order_id = await ready_order(tenant, [(shirt, 2), (cap, 1)])
    opened = await post(owner_client, "/fulfillment/pack", {"code": await _number(order_id)}, htmx=True)
    assert opened.status_code == 200 and shirt["sku"] in opened.text and "0</strong> / 3" in opened.text
    by_barcode = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": shirt["barcode"]}, htmx=True)
    assert by_barcode.status_code == 200 and "1 of 2" in by_barcode.text
    by_sku = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": shirt["sku"].lower()}, htmx=True)
    assert "2 of 2" in by_sku.text
    assert await _state(order_id) == "ready_to_ship"
    last = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": cap["barcode"]}, htmx=True)
    assert last.status_code == 200 and "is packed" in last.text and f"/fulfillment/orders/{order_id}/ship" in last.text
    # one way to print (the label page carries the label and the slip), not three label buttons
    assert last.text.count(f"/fulfillment/orders/{order_id}/label") == 1 and "packing-slip.pdf" not in last.text
    assert await _state(order_id) == "packed"
    level = await StockLevel.select().where(StockLevel.variant == shirt["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (50, 2), "packing keeps the reservation"


async def test_a_wrong_item_and_a_surplus_one_are_refused_loudly_and_count_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt, other = await stocked_variant(tenant), await stocked_variant(tenant, name="Celana")
    order_id = await ready_order(tenant, [(shirt, 1), (other, 1)])
    stranger = await stocked_variant(tenant, name="Sepatu")
    await post(owner_client, "/fulfillment/pack", {"code": await _number(order_id)}, htmx=True)
    wrong = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": stranger["barcode"]}, htmx=True)
    assert wrong.status_code == 422 and "Wrong item" in wrong.text and "scan-feedback bad" in wrong.text
    assert 'role="alert"' in wrong.text and "refused" in wrong.text
    assert await _counted(order_id) == 0
    await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": shirt["barcode"]}, htmx=True)
    surplus = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": shirt["barcode"]}, htmx=True)
    assert surplus.status_code == 422 and "Too many" in surplus.text
    assert await _counted(order_id) == 1 and await _state(order_id) == "ready_to_ship"
    refused = await PackScan.select(PackScan.outcome).where(PackScan.order == order_id).order_by(PackScan.id)
    assert [r["outcome"] for r in refused] == ["wrong", "counted", "surplus"]


async def test_an_unknown_barcode_is_refused_with_its_code(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    await post(owner_client, "/fulfillment/pack", {"code": await _number(order_id)}, htmx=True)
    unknown = await post(owner_client, "/fulfillment/pack", {"order_id": order_id, "code": "0000000000000"}, htmx=True)
    assert unknown.status_code == 422 and "Unknown barcode or SKU: 0000000000000" in unknown.text
    assert await _counted(order_id) == 0


async def test_another_organisations_order_number_is_not_found_and_never_revealed(owner_client):
    other = tenant_of(await make_account("Toko Lain"))
    foreign_id = await ready_order(other, [(await stocked_variant(other), 1)], customer="Rahasia Pelanggan")
    number = await _number(foreign_id)
    tenant = tenant_of(owner_client.account)
    mine = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    assert await _number(mine) == number, "both organisations have their first manual order: M-00001"
    await ready_order(other, [(await stocked_variant(other), 1)])  # M-00002 exists only over there
    refused = await post(owner_client, "/fulfillment/pack", {"code": "M-00002"}, htmx=True)
    missing = await post(owner_client, "/fulfillment/pack", {"code": "M-99999"}, htmx=True)
    assert refused.status_code == missing.status_code == 404
    assert "No order M-00002 in this organisation" in re.sub(r"<[^>]+>", "", refused.text)  # codes sit in spans
    assert "Rahasia" not in refused.text
    # scanning an order id of the other organisation into the hidden field is "not found" too
    sneaky = await post(owner_client, "/fulfillment/pack", {"order_id": foreign_id, "code": "X"}, htmx=True)
    assert sneaky.status_code == 404 and "Rahasia" not in sneaky.text
    assert await _counted(foreign_id) == 0


async def test_scanning_the_next_order_number_opens_it_and_keeps_the_first_ones_scans(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt = await stocked_variant(tenant)
    first, second = await ready_order(tenant, [(shirt, 2)]), await ready_order(tenant, [(shirt, 1)])
    await post(owner_client, "/fulfillment/pack", {"code": await _number(first)}, htmx=True)
    await post(owner_client, "/fulfillment/pack", {"order_id": first, "code": shirt["barcode"]}, htmx=True)
    switched = await post(owner_client, "/fulfillment/pack", {"order_id": first, "code": await _number(second)}, htmx=True)
    assert switched.status_code == 200 and f'name="order_id" value="{second}"' in switched.text
    assert await _counted(first) == 1
    resumed = await owner_client.get(f"/fulfillment/pack/{first}")
    assert resumed.status_code == 200 and "1</strong> / 2" in resumed.text
