"""Returns: opened for shipped units only, received as restock or write-off, never more than shipped."""

from __future__ import annotations

from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.orders.tables import OrderLine, OrderReturn
from tests.orders.test_routes import _manual_ready_order
from tests.support import post


async def test_return_restocks_some_units_and_writes_off_the_rest(owner_client):
    _tenant, variant, order_id = await _manual_ready_order(owner_client.account, units=5, qty=3)
    early = await post(owner_client, f"/orders/{order_id}/returns", {"qty-1": "1"}, htmx=True)
    assert early.status_code == 422 and "Only shipped orders" in early.text
    await post(owner_client, f"/orders/{order_id}/state", {"state": "shipped"}, htmx=True)
    line = await OrderLine.select().where(OrderLine.order == order_id).first()
    too_many = await post(owner_client, f"/orders/{order_id}/returns", {f"qty-{line['id']}": "4"}, htmx=True)
    assert too_many.status_code == 422 and "At most 3" in too_many.text
    assert await OrderReturn.count().where(OrderReturn.order == order_id) == 0
    opened = await post(owner_client, f"/orders/{order_id}/returns", {f"qty-{line['id']}": "2", "reason": "salah ukuran"},
                        htmx=True)
    assert opened.status_code == 200
    ret = await OrderReturn.select().where(OrderReturn.order == order_id).first()
    from app.domains.orders.tables import ReturnLine

    rline = await ReturnLine.select().where(ReturnLine.order_return == ret["id"]).first()
    received = await post(owner_client, f"/orders/returns/{ret['id']}/receive", {f"restock-{rline['id']}": "1"}, htmx=True)
    assert received.status_code == 200, received.text[:300]
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert (level["on_hand"], level["reserved"]) == (3, 0)  # 5 - 3 shipped + 1 restocked
    kinds = [m["kind"] for m in await StockMovement.select(StockMovement.kind).where(StockMovement.variant == variant["id"])]
    assert kinds[-1] == "return"
    twice = await post(owner_client, f"/orders/returns/{ret['id']}/receive", {f"restock-{rline['id']}": "1"}, htmx=True)
    assert twice.status_code == 422 and "already received" in twice.text
    level = await StockLevel.select().where(StockLevel.variant == variant["id"]).first()
    assert level["on_hand"] == 3
    more = await post(owner_client, f"/orders/{order_id}/returns", {f"qty-{line['id']}": "2"}, htmx=True)
    assert more.status_code == 422 and "At most 1" in more.text
