"""Purchase orders: their states, receiving against them with landed costs, and refusals."""

from __future__ import annotations

import pytest

from app.core.errors import Conflict, ValidationFailed
from app.domains.catalog.costs import unit_costs
from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.purchasing import orders
from app.domains.purchasing.schemas import LandedCostForm, OrderLineForm
from app.domains.purchasing.tables import PurchaseOrder, PurchaseOrderLine
from tests.inventory.factories import make_location, make_tenant, make_variant
from tests.purchasing.factories import make_order, make_supplier


async def _on_hand(variant_id: int) -> int:
    rows = await StockLevel.select(StockLevel.on_hand).where(StockLevel.variant == variant_id)
    return sum(r["on_hand"] for r in rows)


async def _ledger(variant_id: int) -> list[tuple[int, int | None]]:
    rows = await StockMovement.select(StockMovement.on_hand_delta, StockMovement.unit_cost).where(
        StockMovement.variant == variant_id).order_by(StockMovement.id)
    return [(r["on_hand_delta"], r["unit_cost"]) for r in rows]


async def test_receiving_a_po_in_two_deliveries_with_freight_by_value():
    tenant = await make_tenant()
    a, b = await make_variant(tenant), await make_variant(tenant)
    loc = await make_location(tenant)
    supplier = await make_supplier(tenant, items={a["sku"]: 10_000, b["sku"]: 20_000})
    order_id = await make_order(tenant, supplier, {a["sku"]: (3, 10_000), b["sku"]: (1, 20_000)},
                                location_id=loc["id"], place=False)
    await orders.set_landed_costs(tenant, order_id, LandedCostForm(freight=1_000, other_costs=1))
    await orders.place_order(tenant, order_id)
    order = await orders.get_order(tenant, order_id)
    lines = await orders.lines_of(tenant, order)
    # 1,001 shared by value 30,000 : 20,000 -> 600.6 / 400.4 -> 601 (largest remainder) + 400
    assert [line.landed_share for line in lines] == [601, 400]
    assert sum(line.landed_share for line in lines) == 1_001
    assert await orders.incoming(tenant, [a["id"], b["id"]]) == {a["id"]: 3, b["id"]: 1}

    await orders.scan(tenant, order_id, a["sku"])
    await orders.scan(tenant, order_id, a["sku"])
    result = await orders.post_receipt(tenant, order_id)
    assert (result.units, result.short, result.over, result.status) == (2, 2, 0, "partly_received")
    # 601 over 3 units: 201, 200, 200 -> the first two units cost 10,201 and 10,200
    assert await _ledger(a["id"]) == [(1, 10_201), (1, 10_200)]
    assert await orders.incoming(tenant, [a["id"], b["id"]]) == {a["id"]: 1, b["id"]: 1}

    await orders.scan(tenant, order_id, a["sku"], 2)  # one more than ordered
    await orders.scan(tenant, order_id, b["sku"])
    result = await orders.post_receipt(tenant, order_id)
    assert (result.short, result.over, result.status) == (0, 1, "received")
    assert await _ledger(a["id"]) == [(1, 10_201), (1, 10_200), (2, 10_200)]
    assert await _ledger(b["id"]) == [(1, 20_400)]
    # ordered units' landed costs add up to price + share exactly
    assert 10_201 + 10_200 + 10_200 == 3 * 10_000 + 601
    assert await _on_hand(a["id"]) == 4 and await _on_hand(b["id"]) == 1
    assert (await unit_costs(tenant, [a["id"]]))[a["id"]] == 10_200  # (10,201 + 10,200 + 2 x 10,200) / 4
    assert await orders.incoming(tenant, [a["id"], b["id"]]) == {}


async def test_a_short_delivery_stays_incoming_until_closed():
    tenant = await make_tenant()
    v = await make_variant(tenant)
    order_id = await make_order(tenant, await make_supplier(tenant, items={v["sku"]: 5_000}), {v["sku"]: (10, 5_000)})
    await orders.scan(tenant, order_id, v["sku"], 6)
    result = await orders.post_receipt(tenant, order_id)
    assert (result.short, result.status) == (4, "partly_received")
    assert await orders.incoming(tenant, [v["id"]]) == {v["id"]: 4}
    await orders.close_short(tenant, order_id)
    assert (await orders.get_order(tenant, order_id)).status == "received"
    assert await orders.incoming(tenant, [v["id"]]) == {}
    line = await PurchaseOrderLine.select().where(PurchaseOrderLine.purchase_order == order_id).first()
    assert (line["quantity"], line["received"]) == (10, 6)


async def test_a_cancelled_po_refuses_a_receipt_and_nothing_changes():
    tenant = await make_tenant()
    v = await make_variant(tenant)
    order_id = await make_order(tenant, await make_supplier(tenant, items={v["sku"]: 5_000}), {v["sku"]: (2, 5_000)})
    await orders.cancel_order(tenant, order_id)
    with pytest.raises(Conflict, match="cancelled"):
        await orders.scan(tenant, order_id, v["sku"])
    with pytest.raises(Conflict, match="cancelled"):
        await orders.post_receipt(tenant, order_id)
    assert await _on_hand(v["id"]) == 0 and await _ledger(v["id"]) == []
    assert await orders.incoming(tenant, [v["id"]]) == {}


async def test_a_sku_the_supplier_does_not_carry_is_added_with_a_warning():
    tenant = await make_tenant()
    carried, other = await make_variant(tenant), await make_variant(tenant)
    supplier = await make_supplier(tenant, items={carried["sku"]: 7_000})
    order_id = await make_order(tenant, supplier, {}, place=False)
    assert await orders.add_line(tenant, order_id, OrderLineForm(code=carried["sku"], quantity=2)) == ""
    warning = await orders.add_line(tenant, order_id, OrderLineForm(code=other["sku"], quantity=1, unit_price=900))
    assert other["sku"] in warning and "not on" in warning
    lines = {r["variant"]: r for r in await PurchaseOrderLine.select().where(
        PurchaseOrderLine.purchase_order == order_id)}
    assert (lines[carried["id"]]["unit_price"], lines[carried["id"]]["not_carried"]) == (7_000, False)
    assert (lines[other["id"]]["unit_price"], lines[other["id"]]["not_carried"]) == (900, True)


async def test_bad_input_is_refused_and_changes_nothing():
    tenant = await make_tenant()
    v = await make_variant(tenant)
    supplier = await make_supplier(tenant, items={v["sku"]: 1_000})
    order_id = await make_order(tenant, supplier, {v["sku"]: (1, 1_000)}, place=False)
    with pytest.raises(ValidationFailed) as exc:
        LandedCostForm.parse({"freight": "-5", "other_costs": "", "allocation": "value", "currency": "IDR"})
    assert "freight" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        LandedCostForm.parse({"freight": "100", "other_costs": "0", "allocation": "value", "currency": "USD"})
    assert "rupiah" in exc.value.errors["currency"]
    with pytest.raises(ValidationFailed):
        OrderLineForm.parse({"code": v["sku"], "quantity": "-2", "unit_price": ""})
    with pytest.raises(ValidationFailed):
        OrderLineForm.parse({"code": v["sku"], "quantity": "2", "unit_price": "-100"})
    with pytest.raises(Conflict, match="Only an ordered"):
        await orders.scan(tenant, order_id, v["sku"])  # a draft is not received
    with pytest.raises(ValidationFailed):
        await orders.add_line(tenant, order_id, OrderLineForm(code="NO-SUCH-SKU", quantity=1))
    order = await PurchaseOrder.select().where(PurchaseOrder.id == order_id).first()
    assert (order["freight"], order["currency"], order["status"]) == (0, "IDR", "draft")
    assert await PurchaseOrderLine.count().where(PurchaseOrderLine.purchase_order == order_id) == 1


async def test_only_a_draft_with_lines_can_be_ordered():
    tenant = await make_tenant()
    supplier = await make_supplier(tenant)
    order_id = await make_order(tenant, supplier, {}, place=False)
    with pytest.raises(ValidationFailed):
        await orders.place_order(tenant, order_id)
    assert (await orders.get_order(tenant, order_id)).status == "draft"
