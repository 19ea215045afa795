"""Bulk actions from the order queue: each order is checked on its own, refused orders stay as they
were, another organisation's ids are never touched, and the role decides who may act."""

from __future__ import annotations

from app.domains.fulfillment.tables import PickList, PickListOrder
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.ingest import ingest
from app.domains.orders.services import transition
from app.domains.orders.tables import Order
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant, tenant_of
from tests.orders.test_ingest import make_store, platform_order
from tests.support import add_member, http_client, login, make_account, post, unique


async def _orders(account, *statuses: OrderStatus, units: int = 20) -> list[int]:
    tenant = tenant_of(account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], units)
    store = await make_store(tenant)
    ids = []
    for status in statuses:
        result = await ingest(tenant, store, platform_order(unique("SHP-"), status, variant["sku"], 1))
        ids.append(result.order_id)
    return ids


async def _states(ids: list[int]) -> list[str]:
    rows = {r["id"]: r["state"] for r in await Order.select(Order.id, Order.state).where(Order.id.is_in(ids))}
    return [rows[i] for i in ids]


async def _bulk(client, action: str, ids: list, back: str = "/orders?state=ready_to_ship"):
    response = await post(client, "/orders/bulk", {"action": action, "order_id": [str(i) for i in ids], "back": back})
    assert response.status_code == 303, response.text[:300]
    page = await client.get(response.headers["location"])
    return response.headers["location"], page.text


async def test_accept_moves_ready_orders_to_picking_and_refuses_the_rest_with_reasons(owner_client):
    ready, ready2, unpaid = await _orders(owner_client.account, OrderStatus.TO_SHIP, OrderStatus.TO_SHIP,
                                          OrderStatus.UNPAID)
    other = await make_account()
    (foreign,) = await _orders(other, OrderStatus.TO_SHIP)
    where, text = await _bulk(owner_client, "accept", [ready, ready2, unpaid, foreign])
    assert where == "/orders?state=ready_to_ship"
    assert "2 done, 2 refused" in text and "unpaid, not ready to ship (1)" in text and "not found (1)" in text
    assert await _states([ready, ready2, unpaid]) == ["picking", "picking", "unpaid"]
    assert await _states([foreign]) == ["ready_to_ship"], "another organisation's order is never touched"


async def test_pick_list_for_the_selection_opens_the_pick_list(owner_client):
    a, b, c = await _orders(owner_client.account, OrderStatus.TO_SHIP, OrderStatus.TO_SHIP, OrderStatus.TO_SHIP)
    await transition(tenant_of(owner_client.account), c, "cancelled")
    where, text = await _bulk(owner_client, "pick_list", [a, b, c])
    assert where.startswith("/fulfillment/picklists/")
    pick_list_id = int(where.rsplit("/", 1)[1])
    members = {r["order"] for r in await PickListOrder.select().where(PickListOrder.pick_list == pick_list_id)}
    assert members == {a, b}
    assert "2 done, 1 refused: cancelled, not ready to ship (1)" in text
    assert await _states([a, b, c]) == ["picking", "picking", "cancelled"]


async def test_nothing_pickable_makes_no_pick_list(owner_client):
    (unpaid,) = await _orders(owner_client.account, OrderStatus.UNPAID)
    before = await PickList.count().where(PickList.organization == owner_client.account.org_id)
    where, text = await _bulk(owner_client, "pick_list", [unpaid])
    assert where.startswith("/orders") and "0 done, 1 refused" in text
    assert await PickList.count().where(PickList.organization == owner_client.account.org_id) == before


async def test_mark_packed_keeps_the_reservation_and_refuses_unpaid(owner_client):
    ready, unpaid = await _orders(owner_client.account, OrderStatus.TO_SHIP, OrderStatus.UNPAID)
    _where, text = await _bulk(owner_client, "pack", [ready, unpaid])
    assert "1 done, 1 refused: unpaid, cannot be packed (1)" in text
    assert await _states([ready, unpaid]) == ["packed", "unpaid"]
    row = await Order.select(Order.stock_state).where(Order.id == ready).first()
    assert row["stock_state"] == "reserved"


async def test_labels_page_prints_one_label_per_own_order(owner_client):
    a, b = await _orders(owner_client.account, OrderStatus.TO_SHIP, OrderStatus.TO_SHIP)
    other = await make_account()
    (foreign,) = await _orders(other, OrderStatus.TO_SHIP)
    numbers = {r["id"]: r["platform_order_id"] for r in await Order.select().where(Order.id.is_in([a, b, foreign]))}
    # The bulk Labels button makes one PDF in a job (tests/fulfillment/test_label_jobs.py); the
    # print page of the HTML labels stays reachable by its link.
    where, text = await _bulk(owner_client, "labels", [a, b, foreign])
    assert where.startswith("/fulfillment/labels/jobs/") and "Labels for 2 orders" in text, text[text.find("<main"):][:1500]
    assert "1 refused: not found (1)" in text
    text = (await owner_client.get(f"/orders/labels?ids={a},{b}")).text
    assert text.count('class="doc shipping-label"') == 2 and numbers[a] in text and numbers[b] in text
    direct = await owner_client.get(f"/orders/labels?ids={a},{foreign}")
    assert direct.text.count('class="doc shipping-label"') == 1 and numbers[foreign] not in direct.text
    junk = await owner_client.get("/orders/labels?ids=1,abc")
    assert junk.status_code == 200 and "not valid" in junk.text and "shipping-label" not in junk.text


async def test_a_website_orders_label_names_the_website(owner_client):
    (a,) = await _orders(owner_client.account, OrderStatus.TO_SHIP)
    await Order.update({Order.channel: "website", Order.store: None}).where(Order.id == a)
    page = await owner_client.get(f"/orders/labels?ids={a}")
    assert page.text.count('class="doc shipping-label"') == 1
    assert "Website" in page.text and "Manual order" not in page.text


async def test_bad_bulk_input_changes_nothing(owner_client):
    (ready,) = await _orders(owner_client.account, OrderStatus.TO_SHIP)
    _where, text = await _bulk(owner_client, "explode", [ready])
    assert "Choose what to do" in text
    _where, text = await _bulk(owner_client, "accept", [])
    assert "Select at least one order" in text
    _where, text = await _bulk(owner_client, "accept", [ready, "1;drop"])
    assert "not valid" in text
    _where, text = await _bulk(owner_client, "accept", list(range(10**9, 10**9 + 501)) + [ready])
    assert "You selected 502 orders" in text and "at most 500" in text
    where, _text = await _bulk(owner_client, "accept", [ready], back="https://evil.example/")
    assert where == "/orders", "the way back stays inside the queue"
    assert await _states([ready]) == ["picking"]


async def test_viewers_cannot_bulk_act_and_warehouse_staff_can(app, owner_client):
    ready, ready2 = await _orders(owner_client.account, OrderStatus.TO_SHIP, OrderStatus.TO_SHIP)
    viewer = await add_member(owner_client.account.org_id, "viewer")
    warehouse = await add_member(owner_client.account.org_id, "warehouse")
    async with http_client(app) as client:
        await login(client, viewer)
        page = await client.get("/orders")
        assert 'name="order_id"' not in page.text, "no checkboxes for someone who cannot act"
        refused = await post(client, "/orders/bulk", {"action": "accept", "order_id": [str(ready)]})
        assert refused.status_code == 403
    assert await _states([ready]) == ["ready_to_ship"]
    async with http_client(app) as client:
        await login(client, warehouse)
        assert 'name="order_id"' in (await client.get("/orders")).text
        await _bulk(client, "accept", [ready, ready2])
    assert await _states([ready, ready2]) == ["picking", "picking"]
