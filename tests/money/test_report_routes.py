"""The report pages and their filter form as a browser sends it (empty fields, junk, dates the
wrong way round, another tenant's store), the CSV and XLSX exports, the expense form, the
weekly-summary switch and the dashboard's money fragment."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from app.core.clock import utcnow
from app.domains.money.rollups import local_day, refresh_orders
from app.domains.money.tables import Expense, SummaryOptOut
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.money.factories import make_store
from tests.support import make_account, post

REPORT_PAGES = ["pnl", "daily", "skus", "stores", "orders", "products", "valuation", "slow"]


async def sold(owner_client) -> dict:
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant, price=75_000)
    order_id = await ready_order(tenant, [(variant, 2)])
    await refresh_orders(tenant.organization_id, [order_id])
    return variant


async def test_every_report_shows_with_empty_filters_and_exports(owner_client):
    variant = await sold(owner_client)
    for name in REPORT_PAGES:
        page = await owner_client.get(f"/reports/{name}", params={"from": "", "to": "", "store": "", "channel": ""})
        assert page.status_code == 200, name
        assert "Download CSV" in page.text
    pnl = await owner_client.get("/reports/pnl")
    assert "Rp 150.000" in pnl.text  # revenue of 2 x 75.000
    skus = await owner_client.get("/reports/skus", headers={"HX-Request": "true"})
    assert variant["sku"] in skus.text and "<html" not in skus.text
    daily = await owner_client.get("/reports/daily")
    assert "<polyline" in daily.text

    csv = await owner_client.get("/reports/skus", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("SKU,Orders,Units,Revenue") and f"{variant['sku']},1,2,150000" in lines[1]
    xlsx = await owner_client.get("/reports/pnl", params={"format": "xlsx"})
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Revenue"] == 150_000 and values["Profit"] == 150_000


async def test_bad_filters_say_what_is_wrong(owner_client):
    cases = [({"from": "2026-13-45"}, "Type a date like 2026-12-31"),
             ({"from": "2026-12-10", "to": "2026-12-01"}, "The end date must not be before the start date"),
             ({"channel": "ebay"}, "Choose one of the listed options"),
             ({"store": "abc"}, "The selection is not valid"),
             ({"from": "2020-01-01", "to": "2026-12-01"}, "Choose at most two years")]
    for params, message in cases:
        page = await owner_client.get("/reports/pnl", params={"from": "", "to": "", "store": "", "channel": "", **params})
        assert page.status_code == 422 and message in page.text, params
    # an export with a bad filter shows the page with the message, not a file
    refused = await owner_client.get("/reports/pnl", params={"from": "junk", "format": "csv"})
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")


async def test_another_tenants_store_is_not_found(owner_client):
    other = await make_account()
    foreign = await make_store(other)
    page = await owner_client.get("/reports/pnl", params={"store": str(foreign)})
    assert page.status_code == 404
    mine = await make_store(owner_client.account)
    assert (await owner_client.get("/reports/pnl", params={"store": str(mine), "channel": ""})).status_code == 200


async def test_expense_form_as_the_browser_posts_it(owner_client):
    org = owner_client.account.org_id
    today = local_day(utcnow(), "Asia/Jakarta").isoformat()
    empty = await post(owner_client, "/reports/expenses", {"spent_on": "", "kind": "ads", "amount": "", "note": "",
                                                           "store": ""})
    assert empty.status_code == 422 and "Choose the day of the cost." in empty.text
    assert "Type an amount in rupiah above zero" in empty.text
    for amount in ("-5000", "lima ribu", "0"):
        bad = await post(owner_client, "/reports/expenses", {"spent_on": today, "kind": "ads", "amount": amount,
                                                             "note": "", "store": ""})
        assert bad.status_code == 422 and "Type an amount in rupiah above zero" in bad.text
    junk_kind = await post(owner_client, "/reports/expenses", {"spent_on": today, "kind": "bribes", "amount": "10.000"})
    assert junk_kind.status_code == 422 and "Choose one of the listed options" in junk_kind.text
    foreign = await make_store(await make_account())
    assert (await post(owner_client, "/reports/expenses", {"spent_on": today, "kind": "ads", "amount": "10.000",
                                                           "store": str(foreign)})).status_code == 404
    assert await Expense.count().where(Expense.organization == org) == 0

    saved = await post(owner_client, "/reports/expenses", {"spent_on": today, "kind": "packaging",
                                                           "amount": "Rp 150.000", "note": "Bubble wrap", "store": ""})
    assert saved.status_code == 303
    row = await Expense.select().where(Expense.organization == org).first()
    assert (row["kind"], row["amount"], row["note"], row["store"]) == ("packaging", 150_000, "Bubble wrap", None)
    pnl = await owner_client.get("/reports/pnl")
    assert "Packaging" in pnl.text and "Rp 150.000" in pnl.text
    gone = await post(owner_client, f"/reports/expenses/{row['id']}/delete")
    assert gone.status_code == 303 and await Expense.count().where(Expense.organization == org) == 0


async def test_weekly_summary_switch_is_per_person(owner_client):
    org, user = owner_client.account.org_id, owner_client.account.user_id
    page = await owner_client.get("/reports/expenses")
    assert 'name="weekly_summary" checked' in page.text
    await post(owner_client, "/reports/summary", {})  # the unticked checkbox is absent
    assert await SummaryOptOut.count().where((SummaryOptOut.organization == org) & (SummaryOptOut.user == user)) == 1
    await post(owner_client, "/reports/summary", {"weekly_summary": "on"})
    assert await SummaryOptOut.count().where(SummaryOptOut.organization == org) == 0


async def test_dashboard_money_fragment_shows_sales_per_channel(owner_client):
    await sold(owner_client)
    dashboard = await owner_client.get("/")
    assert 'hx-get="/reports/dashboard-money"' in dashboard.text
    fragment = await owner_client.get("/reports/dashboard-money", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Manual order" in fragment.text and "Rp 150.000" in fragment.text


async def test_slow_movers_show_a_dash_not_none_for_stock_nothing_sold(owner_client):
    tenant = tenant_of(owner_client.account)
    idle = await stocked_variant(tenant, price=20_000)
    page = await owner_client.get("/reports/slow", params={"from": "", "to": "", "store": "", "channel": ""})
    assert page.status_code == 200 and idle["sku"] in page.text
    assert ">None<" not in page.text and '<td class="num">—</td>' in page.text
