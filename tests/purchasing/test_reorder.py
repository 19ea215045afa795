"""Reorder suggestions from sales velocity, and draft purchase orders per supplier in one tap."""

from __future__ import annotations

from app.domains.inventory import stock
from app.domains.inventory.stock import Line
from app.domains.purchasing import orders, reorder
from app.domains.purchasing.tables import PurchaseOrder, PurchaseOrderLine
from tests.inventory.factories import make_location, make_tenant, make_variant
from tests.purchasing.factories import make_order, make_supplier
from tests.support import post


def test_the_formula_in_whole_units():
    # (7 + 14) days x 30 shipped / 30 days = 21 needed; 5 available + 4 incoming -> 12 to order
    assert reorder.suggested_quantity(7, 14, 30, 5, 4) == 12
    assert reorder.suggested_quantity(7, 14, 1, 0, 0) == 1  # 0.7 rounds up to one unit
    assert reorder.suggested_quantity(7, 14, 30, 50, 0) == 0
    assert reorder.suggested_quantity(0, 0, 0, -3, 0) == 0


async def _sell(tenant, variant_id: int, location_id: int, units: int) -> None:
    await stock.reserve(tenant, [Line(variant_id, location_id, units)], reference="order:velocity")
    await stock.commit(tenant, [Line(variant_id, location_id, units)], reference="order:velocity")


async def test_suggestions_per_sku_from_the_cheapest_supplier_become_drafts_per_supplier():
    tenant = await make_tenant()
    loc = (await make_location(tenant))["id"]
    fast, slow, other = await make_variant(tenant), await make_variant(tenant), await make_variant(tenant)
    for v in (fast, slow, other):
        await stock.receive(tenant, v["id"], loc, 40)
    await _sell(tenant, fast["id"], loc, 30)  # 1 a day
    await _sell(tenant, other["id"], loc, 39)
    cheap = await make_supplier(tenant, lead=7, items={fast["sku"]: 9_000, slow["sku"]: 1_000})
    await make_supplier(tenant, lead=2, items={fast["sku"]: 9_500})
    far = await make_supplier(tenant, lead=30, items={other["sku"]: 4_000})
    await make_order(tenant, far, {other["sku"]: (10, 4_000)})  # 10 incoming

    found = {s.sku: s for s in await reorder.suggestions(tenant, 14)}
    assert set(found) == {fast["sku"], other["sku"]}  # slow sells nothing
    assert (found[fast["sku"]].supplier, found[fast["sku"]].quantity) == (cheap, 21 - 10)  # 21 needed, 10 available
    # other: (30 + 14) x 39 / 30 = 57.2 -> 58, minus 1 available and 10 incoming
    assert (found[other["sku"]].incoming, found[other["sku"]].quantity) == (10, 47)

    created = await reorder.create_drafts(tenant, 14)
    assert len(created) == 2
    rows = await PurchaseOrder.select().where(PurchaseOrder.id.is_in(created))
    drafts = {r["supplier"]: r["id"] for r in rows}
    lines = await PurchaseOrderLine.select().where(PurchaseOrderLine.purchase_order == drafts[cheap])
    assert [(r["variant"], r["quantity"], r["unit_price"]) for r in lines] == [(fast["id"], 11, 9_000)]
    assert [(await orders.get_order(tenant, i)).status for i in created] == ["draft", "draft"]


async def test_one_tap_as_the_browser_posts_it(owner_client):
    from tests.inventory.factories import tenant_of

    tenant = tenant_of(owner_client.account)
    loc = (await make_location(tenant))["id"]
    a, b = await make_variant(tenant), await make_variant(tenant)
    for v in (a, b):
        await stock.receive(tenant, v["id"], loc, 10)
        await _sell(tenant, v["id"], loc, 9)
    await make_supplier(tenant, items={a["sku"]: 1_000, b["sku"]: 2_000})
    page = await owner_client.get("/purchasing/reorder/?days=14")
    assert a["sku"] in page.text and b["sku"] in page.text
    junk = await post(owner_client, "/purchasing/reorder/", {"days_of_cover": "abc", "variant_ids": str(a["id"])})
    assert junk.status_code == 422
    assert await PurchaseOrder.count().where(PurchaseOrder.organization == owner_client.account.org_id) == 0
    done = await post(owner_client, "/purchasing/reorder/", {"days_of_cover": "14", "variant_ids": str(a["id"])})
    assert done.status_code in (302, 303)
    order = await PurchaseOrder.select().where(PurchaseOrder.organization == owner_client.account.org_id).first()
    lines = await PurchaseOrderLine.select().where(PurchaseOrderLine.purchase_order == order["id"])
    assert [r["variant"] for r in lines] == [a["id"]]  # only the ticked SKU
