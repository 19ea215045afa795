"""Dashboard figures: orders per local day and channel, what needs doing."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import utcnow
from app.domains.dashboard.services import orders_per_day, summary
from app.domains.orders.tables import Order
from tests.inventory.factories import tenant_of
from tests.support import make_account, unique


async def test_orders_per_day_counts_each_channel_on_its_local_day(owner_client):
    tenant = tenant_of(owner_client.account)
    now = utcnow()
    for channel, days_ago in (("shopee", 0), ("shopee", 0), ("tiktok", 0), ("manual", 3), ("shopee", 20)):
        await Order(organization=tenant.organization_id, channel=channel, platform_order_id=unique("O"),
                    state="ready_to_ship", placed_at=now - timedelta(days=days_ago)).save()
    for state in ("packed", "cancelled"):  # oversold: only the open one counts
        await Order(organization=tenant.organization_id, channel="manual", platform_order_id=unique("O"), state=state,
                    oversold=True, placed_at=now - timedelta(days=30)).save()
    other = await make_account()
    await Order(organization=other.org_id, channel="shopee", platform_order_id=unique("O"), placed_at=now,
                state="packed", oversold=True).save()
    bars = await orders_per_day(tenant)
    assert len(bars) == 14
    assert bars[-1].by_channel == {"shopee": 2, "tiktok": 1}
    assert bars[-4].by_channel == {"manual": 1}
    assert sum(b.total for b in bars) == 4  # the 20-day-old order and the other tenant's are not counted
    figures = await summary(tenant)
    assert figures.to_ship == 6 and figures.orders_today == 3
    assert figures.oversold == 1 and figures.members == 1  # this organisation's only
    page = await owner_client.get("/")
    assert page.status_code == 200 and "<svg class=\"chart\"" in page.text
