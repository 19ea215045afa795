"""Fulfillment forms as a browser posts them: hidden fields left empty, boxes unticked (absent),
a tampered selection. Bad input is refused with a sentence and changes nothing."""

from __future__ import annotations

from app.domains.orders.tables import Order
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.support import post


async def _state(order_id: int) -> str:
    return (await Order.select(Order.state).where(Order.id == order_id).first())["state"]


async def _number(order_id: int) -> str:
    return (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]


async def test_a_tampered_pick_selection_is_refused_and_picks_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    refused = await post(owner_client, "/fulfillment/picklists", {"order_id": [str(order_id), "1;drop"]}, htmx=True)
    assert refused.status_code == 422 and "The selection is not valid" in refused.text
    assert await _state(order_id) == "ready_to_ship"


async def test_picking_with_no_box_ticked_and_without_all_picks_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    refused = await post(owner_client, "/fulfillment/picklists", {}, htmx=True)  # unticked boxes send nothing
    assert refused.status_code == 422 and "No order could be picked" in refused.text
    assert await _state(order_id) == "ready_to_ship", "no selection is not 'all of them'"
    picked = await post(owner_client, "/fulfillment/picklists", {"order_id": [str(order_id), str(order_id)]})
    assert picked.status_code == 303 and await _state(order_id) == "picking"


async def test_the_first_scan_posts_an_empty_order_field_and_opens_the_order(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(shirt, 1)])
    opened = await post(owner_client, "/fulfillment/pack", {"order_id": "", "code": f" {await _number(order_id)} "},
                        htmx=True)
    assert opened.status_code == 200 and shirt["sku"] in opened.text


async def test_a_tampered_order_field_on_the_pack_bench_is_refused(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(shirt, 1)])
    refused = await post(owner_client, "/fulfillment/pack", {"order_id": "7 OR 1=1", "code": shirt["sku"]}, htmx=True)
    assert refused.status_code == 422 and "Order id is not valid" in refused.text
    assert await _state(order_id) == "ready_to_ship"


async def test_an_empty_scan_asks_for_a_code_and_counts_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(shirt, 2)])
    nothing_open = await post(owner_client, "/fulfillment/pack", {"order_id": "", "code": ""}, htmx=True)
    assert nothing_open.status_code == 422 and "Scan or type an order number" in nothing_open.text
    opened = await post(owner_client, "/fulfillment/pack", {"order_id": "", "code": await _number(order_id)}, htmx=True)
    assert opened.status_code == 200
    blank = await post(owner_client, "/fulfillment/pack", {"order_id": str(order_id), "code": "  "}, htmx=True)
    assert blank.status_code == 422 and "Scan or type an order number" in blank.text
    assert "0 / 2" in blank.text, "the open order stays on the bench, nothing counted"
