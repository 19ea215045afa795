"""The weekly summary reaches each owner who did not opt out, through the mail outbox; an order
change enqueues the rollup refresh, and a completed marketplace order its store's settlement job."""

from __future__ import annotations

from datetime import timedelta

from saq.job import Status

from app.core.clock import utcnow
from app.core.queue import get_queue
from app.core.redis import redis_client
from app.core.secrets import decrypt
from app.domains.mail.tables import OutgoingMail
from app.domains.money.dispatch import pending_rollups
from app.domains.money.rollups import dirty_key, local_day, refresh_orders
from app.domains.money.summary import last_week, send_weekly_summaries, set_summary_wanted
from app.domains.money.tables import DailyRollup
from app.domains.orders.ingest import ingest_page
from app.integrations.base import OrderStatus
from tasks.money import refresh_rollups
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.money.factories import make_store, marketplace_order
from tests.support import add_member, make_account


async def test_weekly_summary_goes_to_owners_who_want_it(smtp_server):
    account = await make_account()
    tenant = tenant_of(account)
    other_owner = await add_member(account.org_id, "owner")
    await add_member(account.org_id, "member")  # not an owner: no summary
    variant = await stocked_variant(tenant, price=80_000)
    order_id = await ready_order(tenant, [(variant, 3)])
    await refresh_orders(account.org_id, [order_id])
    today = local_day(utcnow(), tenant.timezone)
    # the order was placed today: the summary of the week that holds today (as if sent next Monday)
    next_monday = today + timedelta(days=7 - today.weekday())
    assert last_week(next_monday).first <= today <= last_week(next_monday).last
    await set_summary_wanted(tenant, other_owner.user_id, False)

    sent = await send_weekly_summaries(today=next_monday, organization_ids=[account.org_id])
    assert sent == 1
    rows = await OutgoingMail.select().where(OutgoingMail.organization_id == account.org_id)
    assert [r["recipient"] for r in rows] == [account.email]
    body = decrypt(rows[0]["body"])
    assert "Revenue: Rp 240.000" in body and "Orders: 1" in body and variant["sku"] in body

    await set_summary_wanted(tenant, other_owner.user_id, True)
    assert await send_weekly_summaries(today=next_monday, organization_ids=[account.org_id]) == 2


async def test_order_changes_enqueue_the_rollup_refresh_and_completion_the_settlement():
    account = await make_account()
    tenant = tenant_of(account)
    variant = await stocked_variant(tenant, price=10_000)
    queue = get_queue()
    before = await queue.count("queued")
    order_id = await ready_order(tenant, [(variant, 1)])
    assert await queue.count("queued") == before + 1  # refresh_rollups for the new order

    store_id = await make_store(account)
    _id, number = await marketplace_order(tenant, store_id, [(variant, 1)])
    done = await ingest_page(tenant, {"id": store_id, "platform": "shopee"}, [_completed(number, variant)])
    assert done[0].state == "completed"
    kinds = [(j.function, j.kwargs) async for j in queue.iter_jobs([Status.QUEUED])
             if (j.kwargs or {}).get("organization_id") == account.org_id]
    assert ("settle_store", {"organization_id": account.org_id, "store_id": store_id, "order_ids": [_id]}) in kinds
    assert any(f == "refresh_rollups" and order_id in k["order_ids"] for f, k in kinds)


async def test_rollup_refreshes_coalesce_into_one_job_that_drains_every_change():
    account = await make_account()
    tenant = tenant_of(account)
    variant = await stocked_variant(tenant, price=10_000)
    ids = [await ready_order(tenant, [(variant, n)]) for n in (1, 2, 3)]

    queue = get_queue()
    jobs = [j async for j in queue.iter_jobs([Status.QUEUED])
            if j.function == "refresh_rollups" and (j.kwargs or {}).get("organization_id") == account.org_id]
    assert len(jobs) == 1, "three order changes, one rollup job for the organisation"
    redis = redis_client()
    assert {int(i) for i in await redis.smembers(dirty_key(account.org_id))} == set(ids)

    # The job, given only the first change, writes the days of all three and leaves the set empty.
    await refresh_rollups({}, organization_id=account.org_id, order_ids=jobs[0].kwargs["order_ids"])
    rows = await DailyRollup.select(DailyRollup.units, DailyRollup.orders).where(
        DailyRollup.organization == account.org_id)
    assert sum(r["units"] for r in rows) == 6
    assert await redis.smembers(dirty_key(account.org_id)) == set()
    # The sweep finds nothing left of this organisation.
    await pending_rollups()
    assert not await redis.exists(dirty_key(account.org_id))


def _completed(number: str, variant: dict):
    from app.integrations.base import Order, OrderLine

    at = utcnow()
    return Order(order_id=number, status=OrderStatus.COMPLETED, raw_status="COMPLETED", total=10_000, created_at=at,
                 updated_at=at + timedelta(seconds=5), lines=(OrderLine(line_ids=("0",), listing_id="L0",
                                                                          variant_id="M0", seller_sku=variant["sku"],
                                                                          quantity=1, unit_price=10_000),))

