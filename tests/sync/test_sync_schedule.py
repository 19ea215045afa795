"""Each kind of sync keeps its own watermark: a store whose stock changes all the time still has
its orders fetched every sync interval, so an order whose webhook was lost arrives anyway.

Time is driven with ``clock_at`` (the app's clock only; the sandbox keeps real time), so ten
simulated minutes take a few seconds and nothing sleeps."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import clock_at, utcnow
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.tables import Order
from app.domains.stores.services import stores_due_for_order_fetch
from app.domains.stores.tables import Store
from app.domains.sync.dispatch import push_changes
from tests.sync.test_order_flow import _shared_sku_setup

INTERVAL = timedelta(minutes=5)
STOCK_EVERY = timedelta(seconds=40)


async def _run_due_fetches(tenant, moment, fetched: list[tuple[int, object]]) -> None:
    """What the every-minute cron decides at ``moment``, and the fetch jobs it enqueues, run here."""
    for organization_id, store_id, interval in await stores_due_for_order_fetch(moment):
        if organization_id != tenant.organization_id:
            continue  # other tests' stores
        assert interval == 5
        await fetch_store_orders(tenant, store_id)
        fetched.append((store_id, moment))


async def test_an_order_without_a_webhook_arrives_within_two_fetch_intervals_while_stock_keeps_changing(
        owner_client, sandbox):
    tenant, variant, (s_shop, shopee, sp), (t_shop, tiktok, tp) = await _shared_sku_setup(owner_client, sandbox, 5)
    await Store.update({Store.sync_interval_minutes: 5}).where(Store.organization == tenant.organization_id)
    location = (await default_location(tenant))["id"]
    start = utcnow()
    fetched: list[tuple[int, object]] = []
    with clock_at(start):
        await _run_due_fetches(tenant, start, fetched)  # the stores' first fetch: due at once
    assert {store_id for store_id, _at in fetched} == {shopee["id"], tiktok["id"]}
    fetched.clear()

    lost = sandbox.create_order("tiktok", t_shop.shop_id, lines=[(tp.product_id, tp.skus[0].sku_id, 1)],
                                status="AWAITING_SHIPMENT", push=False)  # its webhook never comes
    arrived_at, sent = None, 0
    steps = int(2 * INTERVAL / STOCK_EVERY)
    for step in range(1, steps + 1):
        moment = start + step * STOCK_EVERY
        with clock_at(moment):
            await stock.receive(tenant, variant["id"], location, 1)  # steady stock changes ...
            reports = await push_changes(tenant)  # ... each pushed to both stores
            sent += sum(r.sent for r in reports)
            await _run_due_fetches(tenant, moment, fetched)
        if arrived_at is None and await Order.exists().where(
                (Order.store == tiktok["id"]) & (Order.platform_order_id == lost.order_id)):
            arrived_at = moment

    assert arrived_at is not None, "the order whose webhook was lost never arrived"
    # every change reached both stores, except the one the lost order's reservation cancelled out
    assert sent >= 2 * (steps - 1)
    assert arrived_at - start <= 2 * INTERVAL
    tiktok_fetches = [at for store_id, at in fetched if store_id == tiktok["id"]]
    assert len(tiktok_fetches) == 1, "one fetch per interval, stock pushes notwithstanding"
    assert INTERVAL <= tiktok_fetches[0] - start <= INTERVAL + STOCK_EVERY
    row = await Store.select(Store.last_stock_push_at, Store.last_order_fetch_at, Store.last_sync_at).where(
        Store.id == tiktok["id"]).first()
    last_step = start + steps * STOCK_EVERY
    assert row["last_stock_push_at"] == last_step and row["last_sync_at"] == last_step
    assert row["last_order_fetch_at"] == tiktok_fetches[-1]


async def test_a_stock_push_or_listing_import_does_not_postpone_the_order_fetch(owner_client, sandbox):
    from app.domains.stores.services import mark_synced
    from app.domains.stores.statuses import SyncKind

    tenant, _variant, (_s, shopee, _sp), _t = await _shared_sku_setup(owner_client, sandbox, 1)
    await Store.update({Store.sync_interval_minutes: 5}).where(Store.organization == tenant.organization_id)
    start = utcnow()
    await mark_synced(tenant, shopee["id"], kind=SyncKind.ORDER_FETCH, at=start)
    later = start + timedelta(minutes=4, seconds=59)
    await mark_synced(tenant, shopee["id"], kind=SyncKind.STOCK_PUSH, at=later)
    await mark_synced(tenant, shopee["id"], kind=SyncKind.LISTING_IMPORT, at=later)

    def due(moment) -> bool:
        return shopee["id"] in {store for _org, store, _i in due_now[moment]}

    due_now = {moment: await stores_due_for_order_fetch(moment)
               for moment in (later, start + INTERVAL, start + INTERVAL + timedelta(seconds=1))}
    assert not due(later)
    assert due(start + INTERVAL) and due(start + INTERVAL + timedelta(seconds=1))


async def test_the_sync_page_shows_each_kind_of_sync_and_the_next_order_fetch(owner_client, sandbox):
    from app.domains.stores.services import mark_synced
    from app.domains.stores.statuses import SyncKind
    from tests.inventory.factories import tenant_of
    from tests.sync.sync_helpers import connected_store

    tenant = tenant_of(owner_client.account)
    _shop, store = await connected_store(owner_client, sandbox, "shopee")
    await mark_synced(tenant, store["id"], kind=SyncKind.STOCK_PUSH)
    page = (await owner_client.get("/sync")).text
    for label in ("Orders fetched", "Stock pushed", "Listings imported", "Next order fetch"):
        assert label in page
    stock_pushed = page.split("Stock pushed")[1].split("</dd>")[0]
    orders_fetched = page.split("Orders fetched")[1].split("</dd>")[0]
    assert "never" not in stock_pushed and "never" in orders_fetched


async def test_the_cron_enqueues_one_fetch_per_store_and_slot_from_the_order_fetch_watermark(owner_client, sandbox):
    from app.core.queue import get_queue
    from app.domains.stores.services import mark_synced
    from app.domains.stores.statuses import SyncKind
    from tasks.orders import schedule_order_fetches
    from tests.inventory.factories import tenant_of
    from tests.sync.sync_helpers import connected_store

    tenant = tenant_of(owner_client.account)
    _shop, store = await connected_store(owner_client, sandbox, "tiktok")
    await Store.update({Store.sync_interval_minutes: 5}).where(Store.id == store["id"])
    start = utcnow()
    await mark_synced(tenant, store["id"], kind=SyncKind.ORDER_FETCH, at=start)
    await mark_synced(tenant, store["id"], kind=SyncKind.STOCK_PUSH, at=start + INTERVAL)

    def key(moment) -> str:
        return f"fetch-orders:{store['id']}:{int(moment.timestamp() // INTERVAL.total_seconds())}"

    early, due = start + INTERVAL - timedelta(seconds=1), start + INTERVAL + timedelta(seconds=30)
    await schedule_order_fetches({}, now=early)
    assert await get_queue().job(key(early)) is None
    await schedule_order_fetches({}, now=due)
    await schedule_order_fetches({}, now=due + timedelta(seconds=1))  # a second worker's cron: same job
    job = await get_queue().job(key(due))
    assert job is not None and job.kwargs == {"organization_id": tenant.organization_id, "store_id": store["id"]}
    await get_queue().abort(job, "test over")  # no worker here; keep later tests' workers off it
