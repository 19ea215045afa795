"""Profit of a known set of orders, computed by hand: manual orders (no settlement: items at their
price), a marketplace order with its settlement fee by fee, a cancelled order (not counted), cost
of goods fixed on the lines, and an expense."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.core.clock import utcnow
from app.domains.money import reports
from app.domains.money.rollups import local_day, rebuild_rollups, refresh_orders
from app.domains.money.tables import Expense
from app.domains.orders.services import transition
from app.integrations.base import FeeKind
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.money.factories import fix_cost, make_store, marketplace_order, settle
from tests.support import make_account


async def test_profit_of_known_orders_matches_the_hand_computation():
    account = await make_account()
    tenant = tenant_of(account)
    a = await stocked_variant(tenant, price=100_000)
    b = await stocked_variant(tenant, price=50_000)
    m1 = await ready_order(tenant, [(a, 2), (b, 1)])  # 250.000, no settlement (manual)
    m2 = await ready_order(tenant, [(a, 1)])
    await transition(tenant, m2, "cancelled")  # not a sale
    await fix_cost(m1, {a["id"]: 2 * 60_000, b["id"]: 30_000})
    store_id = await make_store(account)
    s1, number = await marketplace_order(tenant, store_id, [(a, 1)], shipping_fee=10_000)
    received = await settle(tenant, store_id, number, {
        FeeKind.ITEMS: 100_000, FeeKind.COMMISSION: -8_000, FeeKind.SERVICE_FEE: -4_000,
        FeeKind.TRANSACTION_FEE: -2_000, FeeKind.SHIPPING_BUYER_PAID: 10_000, FeeKind.SHIPPING_ACTUAL: -12_000,
        FeeKind.TAX: -500})
    assert received == 83_500
    today = local_day(utcnow(), tenant.timezone)
    await Expense(organization=account.org_id, spent_on=today, kind="ads", amount=20_000).save()
    await refresh_orders(account.org_id, [m1, m2, s1])

    period = reports.Period(today, today)
    pnl = await reports.profit_and_loss(tenant, period)
    f = pnl.figures
    # revenue 250.000 + 100.000; fees 8.000 + 4.000 + 2.000; shipping 10.000 - 12.000; tax 500;
    # cost of goods 120.000 + 30.000; ads 20.000
    assert (f.orders, f.units, f.revenue) == (2, 4, 350_000)
    assert f.fees == 14_000 and pnl.fees_by_kind == {"commission": 8_000, "service_fee": 4_000,
                                                     "transaction_fee": 2_000, "campaign_fee": 0,
                                                     "affiliate_commission": 0}
    assert (f.shipping, f.tax, f.cogs, f.expenses) == (-2_000, -500, 150_000, 20_000)
    assert f.profit == 350_000 - 14_000 - 2_000 - 500 - 150_000 - 20_000 == 163_500
    assert f.margin == Decimal("46.7")
    assert f.unsettled == 1  # the manual order has no settlement

    by_sku = {g.name: g.figures for g in await reports.profit_by_sku(tenant, period)}
    assert by_sku[a["sku"]].profit == 300_000 - 14_000 - 2_000 - 500 - 120_000 == 163_500
    assert by_sku[b["sku"]].profit == 50_000 - 30_000
    by_store = {g.key: g.figures for g in await reports.profit_by_store(tenant, period)}
    assert by_store[("shopee", store_id)].profit == 83_500
    assert by_store[("manual", 0)].profit == 250_000 - 150_000
    per_order = {r.order_id: r.figures.profit for r in await reports.profit_by_order(tenant, period)}
    assert per_order == {s1: 83_500, m1: 100_000}
    top, worst = await reports.top_and_worst(tenant, period)
    assert [g.name for g in top] == [a["sku"], b["sku"]] and [g.name for g in worst] == [b["sku"], a["sku"]]

    # the shopee channel alone: no expenses (they belong to the whole business)
    shopee = await reports.profit_and_loss(tenant, reports.Period(today, today, channel="shopee"))
    assert (shopee.figures.revenue, shopee.figures.profit) == (100_000, 83_500)
    # rebuilt from scratch, the same
    before = await reports.profit_and_loss(tenant, period)
    await rebuild_rollups(account.org_id)
    assert (await reports.profit_and_loss(tenant, period)).figures == before.figures
    assert (await reports.profit_and_loss(tenant, reports.Period(date(2020, 1, 1), date(2020, 1, 2)))).figures.orders == 0
