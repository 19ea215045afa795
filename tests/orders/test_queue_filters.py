"""The order queue's date range (days in the organisation's zone, paged by placing time), its
search across order number, customer, phone and SKU, and tab counts capped past COUNT_CAP."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.tenancy import Tenant
from app.domains.orders import services
from app.domains.orders.services import StateCounts
from app.domains.orders.tables import Order, OrderLine
from tests.support import unique


async def _order(org: int, placed_at: datetime, name: str = "Rina", phone: str = "", state: str = "completed") -> int:
    order = Order(organization=org, channel="manual", platform_order_id=unique("Q"), customer_name=name,
                  customer_phone=phone, state=state, placed_at=placed_at)
    await order.save()
    return order.id


async def test_a_date_range_keeps_whole_local_days_newest_first_over_pages(owner_client, monkeypatch):
    org = owner_client.account.org_id
    tenant = Tenant(org)
    # 1 March in Jakarta (UTC+7) runs from 28 Feb 17:00 to 1 Mar 17:00 UTC.
    before = await _order(org, datetime(2026, 2, 28, 16, 59, tzinfo=UTC))
    inside = [await _order(org, datetime(2026, 2, 28, 17, 0, tzinfo=UTC)),
              await _order(org, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
              await _order(org, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
              await _order(org, datetime(2026, 3, 1, 16, 59, tzinfo=UTC))]
    after = await _order(org, datetime(2026, 3, 1, 17, 0, tzinfo=UTC))
    # Placed out of id order, as a backfill brings old orders in late.
    late_import = await _order(org, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    day = datetime(2026, 3, 1).date()
    monkeypatch.setattr(services, "PAGE", 2)
    seen, cursor = [], None
    while True:
        page = await services.list_orders(tenant, placed_from=day, placed_to=day, after=cursor)
        seen += [r["id"] for r in page.rows]
        if not page.next_after:
            break
        cursor = page.next_after
    assert seen == [inside[3], late_import, inside[2], inside[1], inside[0]]
    assert before not in seen and after not in seen
    response = await owner_client.get("/orders", params={"from": "2026-03-01", "to": "2026-03-01"})
    assert response.status_code == 200 and 'value="2026-03-01"' in response.text
    assert (await owner_client.get("/orders", params={"from": "not-a-day"})).status_code == 200


async def test_search_finds_an_order_by_each_of_its_fields_newest_first(owner_client):
    org = owner_client.account.org_id
    tenant = Tenant(org)
    now = datetime.now(UTC)
    by_name = await _order(org, now, name="Bambang Pamungkas")
    by_phone = await _order(org, now, phone="+6281399887766")
    by_sku = await _order(org, now)
    await OrderLine(organization=org, order=by_sku, seller_sku="BTK-PARANG-XL", title="Batik Parang").save()
    number = (await Order.select(Order.platform_order_id).where(Order.id == by_phone).first())["platform_order_id"]
    assert [r["id"] for r in (await services.list_orders(tenant, q="pamungkas")).rows] == [by_name]
    assert [r["id"] for r in (await services.list_orders(tenant, q="399887766")).rows] == [by_phone]
    assert [r["id"] for r in (await services.list_orders(tenant, q="parang-xl")).rows] == [by_sku]
    assert [r["id"] for r in (await services.list_orders(tenant, q=number.lower())).rows] == [by_phone]
    assert (await services.list_orders(tenant, q="Bambang", state="ready_to_ship")).rows == []


def test_tab_counts_are_exact_up_to_the_cap_and_say_more_past_it():
    cap = services.COUNT_CAP
    counts = StateCounts({"ready_to_ship": 12, "completed": cap + 1})
    assert counts.label("ready_to_ship") == "12" and counts.label("picking") == "0"
    assert counts.label("completed") == f"{cap}+"
    assert counts.label() == f"{cap + 12}+"
    assert StateCounts({"packed": 3, "shipped": 4}).label() == "7"
