"""Pick lists: ready orders move to picking, and their lines come back grouped by location and SKU
with total quantities — 500 orders in a constant number of queries."""

from __future__ import annotations

from app.core.database import engine
from app.domains.fulfillment import picking
from app.domains.inventory import stock
from app.domains.orders.tables import Order, OrderLine
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import make_location, tenant_of
from tests.support import make_account, post


async def test_pick_list_groups_lines_by_location_and_sku_with_totals(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt, cap = await stocked_variant(tenant), await stocked_variant(tenant, name="Topi")
    a = await ready_order(tenant, [(shirt, 2), (cap, 1)])
    b = await ready_order(tenant, [(shirt, 3)])
    c = await ready_order(tenant, [(cap, 4)])
    left_out = await ready_order(tenant, [(shirt, 1)])
    # one order ships from a second warehouse
    second = await make_location(tenant, "GDG-B")
    await stock.receive(tenant, shirt["id"], second["id"], 10)
    await Order.update({Order.location: second["id"]}).where(Order.id == c)
    response = await post(owner_client, "/fulfillment/picklists", {"order_id": [str(a), str(b), str(c)]})
    assert response.status_code == 303, response.text[:300]
    page = await owner_client.get(response.headers["location"])
    assert page.status_code == 200 and shirt["sku"] in page.text and "@media print" not in page.text
    view = await picking.get_pick_list(tenant, int(response.headers["location"].rsplit("/", 1)[1]))
    grouped = {(g.code, line.sku): (line.quantity, line.orders) for g in view.groups for line in g.lines}
    main = view.groups[0].code if view.groups[0].code != "GDG-B" else view.groups[1].code
    assert grouped == {(main, shirt["sku"]): (5, 2), (main, cap["sku"]): (1, 1), ("GDG-B", cap["sku"]): (4, 1)}
    assert view.units == 10 and len(view.orders) == 3
    states = {r["id"]: r["state"] for r in await Order.select(Order.id, Order.state).where(Order.id.is_in([a, b, c, left_out]))}
    assert states == {a: "picking", b: "picking", c: "picking", left_out: "ready_to_ship"}


async def test_picking_nothing_is_refused_and_changes_nothing(owner_client):
    refused = await post(owner_client, "/fulfillment/picklists", {"all": "1"}, htmx=True)
    assert refused.status_code == 422 and "No order could be picked" in refused.text


async def test_all_ready_to_ship_picks_500_orders_in_a_constant_number_of_queries(monkeypatch):
    tenant = tenant_of(await make_account())
    variants = [await stocked_variant(tenant, units=10_000, name=f"Barang {i}") for i in range(5)]
    template = await ready_order(tenant, [(variants[0], 1)])
    base = await Order.select().where(Order.id == template).first()
    # 499 more ready orders with two lines each, inserted in bulk (the factory would take minutes)
    rows = [Order(**{**{k: v for k, v in base.items() if k != "id"}, "platform_order_id": f"B-{i:04d}"}) for i in range(499)]
    ids = [r["id"] for r in await Order.insert(*rows).returning(Order.id)]
    await OrderLine.insert(*[OrderLine(organization=tenant.organization_id, order=order_id, seller_sku=v["sku"],
                                       title=v["sku"], quantity=q, variant=v["id"])
                             for n, order_id in enumerate(ids)
                             for v, q in ((variants[n % 5], 1), (variants[(n + 1) % 5], 2))])
    queries = []
    engine_class = type(engine())
    original = engine_class.run_querystring

    async def counting(self, querystring, in_pool=True):
        queries.append(querystring)
        return await original(self, querystring, in_pool=in_pool)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    pick_list_id = await picking.create_pick_list(tenant, None)
    view = await picking.get_pick_list(tenant, pick_list_id)
    monkeypatch.undo()
    assert len(view.orders) == 500
    assert 3 <= len(queries) <= 12, f"{len(queries)} queries for 500 orders"
    totals = {line.sku: line.quantity for g in view.groups for line in g.lines}
    expected = {v["sku"]: 0 for v in variants}
    expected[variants[0]["sku"]] += 1
    for n in range(499):
        expected[variants[n % 5]["sku"]] += 1
        expected[variants[(n + 1) % 5]["sku"]] += 2
    assert totals == expected
    assert await Order.count().where((Order.organization == tenant.organization_id) & (Order.state == "picking")) == 500
