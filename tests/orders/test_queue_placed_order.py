"""The order queue lists orders by the time they were placed, newest first, whatever their ids
(a backfill brings old orders in late), and "Show more" neither skips nor repeats an order when
several were placed in the same second."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.core.tenancy import Tenant
from app.domains.orders import services
from app.domains.orders.tables import Order
from tests.support import unique


async def _order(org: int, placed_at: datetime, state: str = "ready_to_ship", name: str = "Rina") -> int:
    order = Order(organization=org, channel="manual", platform_order_id=unique("P"), customer_name=name,
                  state=state, placed_at=placed_at)
    await order.save()
    return order.id


async def _placed(org: int) -> list[int]:
    t0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    # ids out of placing order, and three orders in the same second
    times = [t0 + timedelta(hours=5), t0, t0 + timedelta(hours=2), t0 + timedelta(hours=2), t0 + timedelta(hours=9),
             t0 + timedelta(hours=2), t0 - timedelta(days=30), t0 + timedelta(hours=1)]
    ids = [await _order(org, t, name="Sari Dewi") for t in times]
    return [i for _t, i in sorted(zip(times, ids, strict=True), key=lambda p: (p[0], p[1]), reverse=True)]


async def test_pages_follow_placing_time_and_never_skip_or_repeat_on_ties(owner_client, monkeypatch):
    org = owner_client.account.org_id
    tenant = Tenant(org)
    expected = await _placed(org)
    monkeypatch.setattr(services, "PAGE", 2)
    for filters in ({}, {"state": "ready_to_ship"}, {"q": "sari dewi"}):
        seen, cursor = [], None
        while True:
            page = await services.list_orders(tenant, after=cursor, **filters)
            seen += [r["id"] for r in page.rows]
            if not page.next_after:
                break
            cursor = page.next_after
        assert seen == expected, filters


async def test_show_more_links_walk_the_queue_in_placing_order(owner_client, monkeypatch):
    org = owner_client.account.org_id
    expected = await _placed(org)
    monkeypatch.setattr(services, "PAGE", 3)
    url, seen = "/orders?state=&q=&store=&from=&to=&tag=", []
    while url:
        response = await owner_client.get(url.replace("&amp;", "&"), headers={"HX-Request": "true"} if seen else {})
        assert response.status_code == 200, response.text[:300]
        seen += [int(i) for i in re.findall(r'href="/orders/(\d+)"', response.text) if int(i) not in seen]
        more = re.search(r'id="orders-more"><a class="button wide" href="([^"]+)"', response.text)
        url = more.group(1) if more else ""
    assert seen == expected
