"""Segment counts against a hand-built set of customers and orders, through the form as the browser
posts it (every field, empty ones too) and the live count htmx asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import clock_at, utcnow
from app.core.tenancy import Tenant
from app.domains.marketing import loyalty
from app.domains.marketing.tables import Segment
from app.domains.orders.tables import Order, OrderLine
from tests.inventory.factories import make_variant, tenant_of
from tests.support import post

BLANK = {"name": "", "channel": "", "city": "", "min_spend": "", "max_spend": "", "min_orders": "", "max_orders": "",
         "ordered_within_days": "", "not_ordered_for_days": "", "product": "", "tier": "", "rfm": "", "segment_id": ""}


async def _customers(tenant: Tenant) -> dict[str, int]:
    """A: website, Bandung, 3 orders in 80 days (loyal), bought P1.  B: Shopee, Jakarta, 2 orders, none
    for 120 days (at risk).  C: e-mail only, manual, Surabaya, 1 order 5 days ago (new), bought P2.
    D: website, Bandung, 1 order 400 days ago and a cancelled one yesterday.  A buyer with neither
    phone nor e-mail is nobody's."""
    p1, p2 = await make_variant(tenant, name="Kaos"), await make_variant(tenant, name="Topi")
    now = utcnow()
    rows = [  # (phone, email, channel, city, total, days ago, state, variant)
        ("+62811000001", "", "website", "Kota Bandung", 100_000, 10, "completed", p1),
        ("+62811000001", "", "website", "Kota Bandung", 200_000, 40, "completed", None),
        ("+62811000001", "", "website", "Kota Bandung", 300_000, 80, "completed", None),
        ("+62811000002", "", "shopee", "Jakarta Selatan", 50_000, 200, "completed", None),
        ("+62811000002", "", "shopee", "Jakarta Selatan", 70_000, 120, "completed", None),
        ("", "c@contoh.id", "manual", "Surabaya", 500_000, 5, "ready_to_ship", p2),
        ("+62811000004", "", "website", "Kab. Bandung", 80_000, 400, "completed", None),
        ("+62811000004", "", "website", "Kab. Bandung", 1_000_000, 1, "cancelled", None),
        ("", "", "shopee", "Bandung", 900_000, 3, "completed", None),
    ]
    for n, (phone, email, channel, city, total, days, state, variant) in enumerate(rows):
        order = tenant.scoped(Order).new(channel=channel, platform_order_id=f"SEG-{n}", state=state,
                                         customer_phone=phone, customer_email=email, address={"city": city},
                                         total=total, subtotal=total, placed_at=now - timedelta(days=days))
        await order.save()
        if variant:
            await OrderLine.insert(OrderLine(organization=tenant.organization_id, order=order.id, quantity=1,
                                             unit_price=total, variant=variant["id"]))
    await loyalty.save_programme(tenant, {"enabled": True, "rupiah_per_point": 1000, "point_value": 1,
                                          "channels": ["website"], "expiry_days": 365, "tiers": [
                                              {"name": "Silver", "min_spend": 100_000, "earn_percent": 110},
                                              {"name": "Gold", "min_spend": 500_000, "earn_percent": 150}]})
    return {"P1": p1["product"], "P2": p2["product"]}


CASES = [
    ({}, 4),
    ({"channel": "website"}, 2),
    ({"city": "bandung"}, 2),  # A and D; the nameless buyer in Bandung is nobody
    ({"min_spend": "150.000"}, 2),  # A 600.000, C 500.000
    ({"max_spend": "100000"}, 1),  # D 80.000 (its cancelled order does not count)
    ({"min_orders": "2"}, 2),
    ({"max_orders": "1"}, 2),
    ({"ordered_within_days": "30"}, 2),  # A, C
    ({"not_ordered_for_days": "100"}, 2),  # B, D
    ({"product": "P1"}, 1),
    ({"rfm": "loyal"}, 1),
    ({"rfm": "at_risk"}, 1),
    ({"rfm": "new"}, 1),
    ({"tier": "Gold"}, 2),  # A, C: 500.000 and more over the last 365 days
    ({"tier": "Silver"}, 1),  # B: 120.000
    ({"channel": "website", "min_orders": "2"}, 1),
]


@pytest.mark.parametrize(("filters", "expected"), CASES)
async def test_the_live_count_matches_the_hand_built_customers(owner_client, filters, expected):
    tenant = tenant_of(owner_client.account)
    products = await _customers(tenant)
    data = {**BLANK, **{k: str(products.get(v, v)) for k, v in filters.items()}}
    counted = await post(owner_client, "/marketing/segments/count", data, htmx=True)
    assert counted.status_code == 200
    assert f"<strong>{expected} customer" in counted.text, (filters, counted.text)


async def test_a_segment_is_saved_and_counted_again_and_junk_is_refused(owner_client):
    tenant = tenant_of(owner_client.account)
    await _customers(tenant)
    junk = await post(owner_client, "/marketing/segments/count", {**BLANK, "min_orders": "lots"}, htmx=True)
    assert "Orders at least is not valid" in junk.text
    nameless = await post(owner_client, "/marketing/segments/", {**BLANK, "rfm": "loyal"})
    assert nameless.status_code == 422 and "Name the segment" in nameless.text
    bad_tier = await post(owner_client, "/marketing/segments/", {**BLANK, "name": "VIP", "tier": "Platinum"})
    assert bad_tier.status_code == 422
    assert await Segment.count().where(Segment.organization == tenant.organization_id) == 0
    saved = await post(owner_client, "/marketing/segments/", {**BLANK, "name": "Pelanggan setia", "rfm": "loyal"})
    assert saved.status_code in (302, 303)
    row = await Segment.select().where(Segment.organization == tenant.organization_id).first()
    page = await owner_client.get(f"/marketing/segments/?segment={row['id']}")
    assert "Pelanggan setia" in page.text and "<strong>1 customer" in page.text
    from app.domains.marketing import segments

    assert await segments.members(tenant, row["id"]) == ["+62811000001"]
    with clock_at(utcnow() + timedelta(days=30)):  # 40 days since A's last order... still loyal; B still at risk
        assert await segments.segment_count(tenant, row["id"]) == 1
