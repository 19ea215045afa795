"""The in-app feed and e-mail for new orders, oversold orders and low stock, per user's choice."""

from __future__ import annotations

from app.domains.catalog.tables import Variant
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.notifications.tables import Notification
from app.domains.orders.ingest import ingest
from app.domains.sync.dispatch import push_changes
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant, tenant_of
from tests.mailbox import mails_to
from tests.orders.test_ingest import make_store, platform_order
from tests.support import mail_text, post


async def test_new_and_oversold_orders_and_low_stock_reach_the_feed_and_email(owner_client, smtp_server, worker):
    tenant = tenant_of(owner_client.account)
    await post(owner_client, "/notifications/preferences",
               {"new_order-in_app": "on", "new_order-email": "on", "oversold-in_app": "on", "low_stock-in_app": "on"})
    variant = await make_variant(tenant)
    await Variant.update({Variant.reorder_point: 3}).where(Variant.id == variant["id"])
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 1)
    store = await make_store(tenant)
    await ingest(tenant, store, platform_order("N-1", OrderStatus.TO_SHIP, variant["sku"], 1))
    await ingest(tenant, store, platform_order("N-2", OrderStatus.TO_SHIP, variant["sku"], 1))  # no stock left
    await ingest(tenant, store, platform_order("N-2", OrderStatus.TO_SHIP, variant["sku"], 1))  # replay: no new note
    await push_changes(tenant)
    kinds = [r["kind"] for r in await Notification.select(Notification.kind).where(
        Notification.organization == tenant.organization_id).order_by(Notification.id)]
    assert kinds.count("new_order") == 2 and kinds.count("oversold") == 1 and kinds.count("low_stock") == 1
    mails = await mails_to(smtp_server, owner_client.account.email, 2)  # sent by the outbox job
    assert [m["Subject"] for m in mails].count("StoreSync: New orders") == 2
    assert any("New order N-1" in mail_text(m) for m in mails)
    counter = await owner_client.get("/notifications/count", headers={"HX-Request": "true"})
    assert ">4<" in counter.text
    feed = await owner_client.get("/notifications")
    assert "New order N-1" in feed.text and "sold without stock" in feed.text
    after = await owner_client.get("/notifications/count", headers={"HX-Request": "true"})
    assert "counter" not in after.text, "opening the feed marks it read"


async def test_a_muted_kind_stays_out_of_the_feed(owner_client):
    tenant = tenant_of(owner_client.account)
    await post(owner_client, "/notifications/preferences", {"oversold-in_app": "on"})  # new orders muted
    variant = await make_variant(tenant)
    await ingest(tenant, await make_store(tenant), platform_order("Q-1", OrderStatus.UNPAID, variant["sku"]))
    feed = await owner_client.get("/notifications")
    assert "New order Q-1" not in feed.text


async def test_orders_past_their_ship_by_time_are_reported_once(owner_client):
    from datetime import timedelta

    from app.core.clock import utcnow
    from app.domains.orders.late import notify_late_orders
    from app.domains.orders.tables import Order
    from tests.support import unique

    org = owner_client.account.org_id
    late = Order(organization=org, channel="shopee", platform_order_id=unique("LATE-"), state="ready_to_ship",
                 ship_by=utcnow() - timedelta(hours=2))
    await late.save()
    await Order(organization=org, channel="shopee", platform_order_id=unique("OK-"), state="ready_to_ship",
                ship_by=utcnow() + timedelta(hours=5)).save()
    assert await notify_late_orders() >= 1
    assert await notify_late_orders() == 0
    feed = await owner_client.get("/notifications")
    assert f"Order {late.platform_order_id} is late to ship" in feed.text
