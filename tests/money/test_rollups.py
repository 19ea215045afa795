"""The rollups kept up to date change by change equal the rollups recomputed from scratch, after
any sequence of orders placed, cancelled, settled (again), and costs fixed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import Conflict
from app.domains.money.rollups import rebuild_rollups, refresh_orders, spread
from app.domains.money.tables import DailyRollup
from app.domains.orders.services import transition
from app.integrations.base import FeeKind
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.money.factories import fix_cost, make_store, marketplace_order, settle
from tests.support import make_account

STEPS = st.lists(st.tuples(
    st.sampled_from(["manual", "marketplace", "cancel", "settle", "cost"]),
    st.integers(min_value=0, max_value=50),  # which order / variant / amount
    st.integers(min_value=1, max_value=4),  # quantity / days ago
), min_size=1, max_size=14)


async def rows_of(organization_id: int) -> list[tuple]:
    rows = await DailyRollup.select().where(DailyRollup.organization == organization_id)
    return sorted(tuple((k, str(v)) for k, v in sorted(r.items()) if k != "id") for r in rows)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(steps=STEPS)
async def test_rollups_kept_in_step_equal_a_rebuild_from_scratch(steps):
    account = await make_account()
    tenant = tenant_of(account)
    variants = [await stocked_variant(tenant, units=500, price=price) for price in (35_000, 120_000, 0)]
    store_id = await make_store(account)
    placed: list[int] = []
    numbers: dict[int, str] = {}
    for kind, pick, n in steps:
        changed: list[int] = []
        if kind == "manual":
            changed.append(await ready_order(tenant, [(variants[pick % 3], n), (variants[(pick + 1) % 3], 1)]))
        elif kind == "marketplace":
            order_id, number = await marketplace_order(tenant, store_id, [(variants[pick % 3], n)],
                                                       shipping_fee=pick * 1_000, placed_days_ago=n - 1)
            numbers[order_id] = number
            changed.append(order_id)
        elif placed and kind == "cancel":
            order_id = placed[pick % len(placed)]
            try:
                await transition(tenant, order_id, "cancelled")
            except Conflict:
                pass
            changed.append(order_id)
        elif numbers and kind == "settle":
            order_id = list(numbers)[pick % len(numbers)]
            await settle(tenant, store_id, numbers[order_id], {
                FeeKind.ITEMS: pick * 3_001, FeeKind.COMMISSION: -pick * 97, FeeKind.SHIPPING_ACTUAL: -n * 1_003,
                FeeKind.TAX: -(pick % 7)}, final=bool(n % 2))
            changed.append(order_id)
        elif placed and kind == "cost":
            order_id = placed[pick % len(placed)]
            await fix_cost(order_id, {v["id"]: pick * 1_111 + n for v in variants})
            changed.append(order_id)
        placed += [i for i in changed if i not in placed]
        await refresh_orders(account.org_id, changed)  # what the jobs enqueued by the change do

    kept = await rows_of(account.org_id)
    await DailyRollup.delete().where(DailyRollup.organization == account.org_id)
    await rebuild_rollups(account.org_id)
    assert await rows_of(account.org_id) == kept


@given(total=st.integers(min_value=-10**9, max_value=10**9),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12))
def test_spread_parts_add_up_to_the_whole(total, weights):
    parts = spread(total, weights)
    assert sum(parts) == total and len(parts) == len(weights)
    assert all((p >= 0) if total >= 0 else (p <= 0) for p in parts)
