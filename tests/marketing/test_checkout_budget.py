"""One website checkout with a voucher costs a small, fixed number of database statements (issue
18: the server's CPU per checkout follows them), counted at the driver (tests/query_budget.py) on
the engine under test, and still does everything a checkout does: the order with its number, lines
and events, the stock reserved, the voucher's use claimed, the payment started."""

from __future__ import annotations

import asyncio

from app.core.database import is_postgres
from app.domains.inventory.tables import StockLevel
from app.domains.marketing.tables import Voucher, VoucherCustomer, VoucherUse
from app.domains.orders.tables import Order, OrderEvent, OrderLine
from app.domains.payments.tables import Payment
from app.domains.website.tables import WebsiteOrder
from tests.marketing.factories import make_voucher
from tests.query_budget import counting
from tests.website.factories import buyer, seeded_shop

# PostgreSQL: 7 reads before the transaction (payment settings, default location with its stock,
# variants, website prices, allocation threshold, courier settings, the voucher with the customer's
# uses), BEGIN, the order with its lines and events, the reservation, the website order, the
# voucher's claim, COMMIT, the webhook endpoints, the payment, the website order's payment.
# SQLite has no single-statement order insert: the order, its lines, its number and its events
# are four statements there, and its claim of a voucher takes more than one.
BUDGET = {"postgres": 16, "sqlite": 28}


async def _checkout(client, slug: str, body: dict):
    # a task of its own, as each request is under the server: nothing one request kept in its
    # context (contextvars) is seen by the next
    return await asyncio.create_task(client.post(f"/api/storefront/{slug}/checkout", json=body))


async def test_a_checkout_with_a_voucher_stays_within_its_statement_budget_and_does_everything(client):
    shop = await seeded_shop(10)
    voucher_id, code = await make_voucher(shop.tenant, value="10", total_limit="5", per_customer_limit="1")
    line = [{"variant_id": shop.variant["id"], "quantity": 2}]
    first = await _checkout(client, shop.slug, buyer("0813 0000 0001", lines=line, voucher=code))
    assert first.status_code == 201, first.text

    with counting() as log:
        response = await _checkout(client, shop.slug, buyer("0813 0000 0002", lines=line, voucher=code))
    assert response.status_code == 201, response.text
    budget = BUDGET["postgres" if is_postgres() else "sqlite"]
    assert log.count <= budget, f"{log.count} statements (budget {budget}):\n{log}"
    assert sum("payment_settings" in s for s in log.statements) == 1, str(log)

    number = response.json()["order_number"]
    order = await Order.select().where(Order.platform_order_id == number).first()
    assert order is not None and number == f"W-{order['id']:06d}"
    assert order["stock_state"] == "reserved" and order["state"] == "ready_to_ship"
    assert order["subtotal"] == 250_000 and order["seller_discount"] == 25_000
    assert order["total"] == 250_000 + 15_000 - 25_000
    lines = await OrderLine.select(OrderLine.variant, OrderLine.quantity, OrderLine.unit_price).where(
        OrderLine.order == order["id"])
    assert lines == [{"variant": shop.variant["id"], "quantity": 2, "unit_price": 125_000}]
    kinds = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind).where(OrderEvent.order == order["id"]).order_by(
        OrderEvent.id)]
    assert kinds == ["status", "stock"]
    level = await StockLevel.select(StockLevel.on_hand, StockLevel.reserved).where(
        StockLevel.variant == shop.variant["id"]).first()
    assert level == {"on_hand": 10, "reserved": 4}
    assert (await Voucher.select(Voucher.used).where(Voucher.id == voucher_id).first())["used"] == 2
    assert await VoucherUse.count().where(VoucherUse.order == order["id"]) == 1
    assert await VoucherCustomer.count().where(VoucherCustomer.voucher == voucher_id) == 2
    payment = await Payment.select(Payment.method, Payment.amount_due).where(Payment.order_id == order["id"]).first()
    assert payment == {"method": "cod", "amount_due": order["total"]}
    website = await WebsiteOrder.select(WebsiteOrder.amount_due, WebsiteOrder.payment).where(
        WebsiteOrder.order == order["id"]).output(load_json=True).first()
    assert website["amount_due"] == order["total"] and website["payment"]["method"] == "cod"

    # the same buyer again: the voucher's once-per-customer limit, read in the same statement as the voucher
    again = await _checkout(client, shop.slug, buyer("0813 0000 0002", lines=line, voucher=code))
    assert again.status_code == 422 and code in again.text
    assert (await Voucher.select(Voucher.used).where(Voucher.id == voucher_id).first())["used"] == 2
