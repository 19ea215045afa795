"""An order line's cost of goods is fixed when its stock leaves at ship, at that moment's average."""

from __future__ import annotations

from app.domains.fulfillment import packing
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.tables import OrderLine
from tests.fulfillment.factories import ready_order
from tests.inventory.factories import make_variant, tenant_of
from tests.support import post, unique


async def test_cost_of_goods_is_fixed_at_ship_and_stays(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant, barcode=unique("899")[:13])
    location = (await default_location(tenant))["id"]
    await stock.receive(tenant, variant["id"], location, 10, unit_cost=10_000)
    await stock.receive(tenant, variant["id"], location, 5, unit_cost=13_001)  # average 11,000
    order_id = await ready_order(tenant, [(variant, 2)])
    assert (await OrderLine.select(OrderLine.cost_of_goods).where(OrderLine.order == order_id).first()) == {
        "cost_of_goods": None}
    for _ in range(2):
        await packing.scan_item(tenant, order_id, variant["barcode"])
    shipped = await post(owner_client, f"/fulfillment/orders/{order_id}/ship",
                         {"carrier": "JNE", "tracking_number": "JNE0099"}, htmx=True)
    assert shipped.status_code == 200
    line = await OrderLine.select(OrderLine.cost_of_goods).where(OrderLine.order == order_id).first()
    assert line["cost_of_goods"] == 22_000
    await stock.receive(tenant, variant["id"], location, 10, unit_cost=50_000)  # the average moves on
    line = await OrderLine.select(OrderLine.cost_of_goods).where(OrderLine.order == order_id).first()
    assert line["cost_of_goods"] == 22_000
