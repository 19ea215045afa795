"""Sandbox faults during every sync task: 429 storms, 5xx, hung calls, expired tokens mid-way.

Each task is run the way its SAQ job runs it (a retryable failure fails the attempt, the job runs
again); once the fault has passed all work is done, and nothing exists twice.
"""

from __future__ import annotations

import pytest

from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockChange, StockMovement
from app.domains.listings.tables import Listing
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.tables import Order, OrderLine
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from app.domains.sync.push import offers_for_store
from app.domains.sync.tables import SyncLog
from app.sandbox.state import Fault
from tests.inventory.factories import tenant_of
from tests.sync.sync_helpers import as_job, catalog_for, connected_store, fault_after, quick_adapters  # noqa: F401


def fault_sequence(sandbox, platform: str, shop_id: str, gap: int = 2) -> None:
    """One after another, each after ``gap`` good calls: a 429 storm and a 5xx storm longer than
    the transport's own retries (the second also opens the store's circuit), hung calls longer than
    the client waits, malformed bodies, and the access token expiring mid-way."""
    for fault in (Fault(kind="rate_limit", remaining=7), Fault(kind="server_error", remaining=7),
                  Fault(kind="hang", remaining=3, seconds=0.8), Fault(kind="malformed", remaining=4),
                  Fault(kind="expire_token", remaining=1)):
        fault_after(sandbox, platform, shop_id, gap, fault)


def faults_left(sandbox, shop) -> list:
    return [f for f in sandbox.faults if f.shop_id == shop.shop_id]


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_listing_import_completes_after_faults_without_duplicates(owner_client, sandbox, quick_adapters, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform, products=110)
    expected = sum(len(p.skus) for p in shop.products.values())
    # the first page passes, the faults hit in the middle of pagination
    fault_sequence(sandbox, platform, shop.shop_id, gap=2 if platform == "shopee" else 0)
    counts, attempts = await as_job(lambda: import_store_listings(tenant, store["id"]))
    assert not faults_left(sandbox, shop), "every fault was met"
    assert attempts > 2, "the storms outlasted the transport's retries: the job ran again"
    rows = await Listing.select(Listing.platform_item_id, Listing.platform_model_id).where(Listing.store == store["id"])
    assert len(rows) == expected, (len(rows), expected, attempts)
    assert len({(r["platform_item_id"], r["platform_model_id"]) for r in rows}) == expected
    again = await import_store_listings(tenant, store["id"])
    assert again.created == 0 and again.updated + again.created <= expected
    assert await Listing.count().where(Listing.store == store["id"]) == expected


@pytest.mark.parametrize(("platform", "fault"), [("shopee", "sequence"), ("tiktok", "storm after the first batches")])
async def test_stock_push_completes_after_faults(owner_client, sandbox, quick_adapters, platform, fault):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform, products=40)
    variants = await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    location = await default_location(tenant)
    for n, variant_id in enumerate(sorted(variants.values())):
        await stock.receive(tenant, variant_id, location["id"], 3 + n % 5)
    if fault == "storm after the first batches":
        # One call per product: the first 30 products go through, then a 5xx storm longer
        # than the transport's retries fails a later batch while earlier ones were sent.
        fault_after(sandbox, platform, shop.shop_id, 30,
                    Fault(kind="server_error", remaining=6))
    else:
        fault_sequence(sandbox, platform, shop.shop_id, gap=3 if platform == "shopee" else 0)

    async def job():
        reports = await push_changes(tenant)
        pending = await StockChange.count().where(
            (StockChange.organization == tenant.organization_id) & StockChange.consumed_at.is_null())
        return reports, pending

    # The sweep re-runs the push while the outbox still holds changes.
    for _ in range(8):
        (reports, pending), _attempts = await as_job(job)
        if not pending:
            break
    assert pending == 0, "the outbox is consumed once everything was pushed"
    assert not faults_left(sandbox, shop)

    offers = await offers_for_store(tenant, store["id"])
    assert len(offers) == sum(len(p.skus) for p in shop.products.values())
    for row, qty in offers:
        on_platform = sandbox.listing_stock(platform, shop.shop_id, row.platform_item_id)
        # a listing without variants is model "0" on Shopee: the product's single SKU
        on_sandbox = on_platform.get(row.platform_model_id) if len(on_platform) > 1 else \
            next(iter(on_platform.values()))
        assert on_sandbox == qty == row.last_pushed_qty, row
    rows = await Listing.select(Listing.last_pushed_qty, Listing.variant).where(Listing.store == store["id"])
    assert all(r["last_pushed_qty"] is not None for r in rows), "every listing was pushed"
    # one successful push line per listing: nothing was sent twice after it succeeded
    sent = await SyncLog.select(SyncLog.listing_id).where(
        (SyncLog.store_id == store["id"]) & (SyncLog.action == "push") & (SyncLog.level == "info"))
    assert len(sent) == len({r["listing_id"] for r in sent}) == len(rows)


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_order_fetch_completes_after_faults_exactly_once(owner_client, sandbox, quick_adapters, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform, products=20)
    variants = await catalog_for(tenant, shop)
    await import_store_listings(tenant, store["id"])
    location = await default_location(tenant)
    for variant_id in variants.values():
        await stock.receive(tenant, variant_id, location["id"], 10_000)
    orders = [sandbox.create_order(platform, shop.shop_id, push=False) for _ in range(105)]
    # faults between pages of the order list and among the detail calls
    fault_sequence(sandbox, platform, shop.shop_id, gap=1)
    report, attempts = await as_job(lambda: fetch_store_orders(tenant, store["id"]))
    assert not faults_left(sandbox, shop)
    assert attempts > 2

    rows = await Order.select(Order.id, Order.platform_order_id, Order.stock_state, Order.oversold).where(
        Order.store == store["id"])
    assert sorted(r["platform_order_id"] for r in rows) == sorted(o.order_id for o in orders), attempts
    assert all(r["stock_state"] == "reserved" and not r["oversold"] for r in rows)
    lines = await OrderLine.count().where(OrderLine.order.is_in([r["id"] for r in rows]))
    assert lines == sum(len(o.lines) for o in orders)
    # one reservation ledger row per order line, however many attempts it took
    reservations = await StockMovement.select(StockMovement.reference).where(
        (StockMovement.organization == tenant.organization_id) & (StockMovement.kind == "reserve"))
    assert len(reservations) == lines
    again = await fetch_store_orders(tenant, store["id"])
    assert again.created == 0
    assert await Order.count().where(Order.store == store["id"]) == len(orders)
    assert await StockMovement.count().where(
        (StockMovement.organization == tenant.organization_id) & (StockMovement.kind == "reserve")) == lines
