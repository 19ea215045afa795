"""The plan's monthly API calls are checked on every REST API call without a query on most of them:
what a process read is trusted for API_ALLOWANCE_SECONDS, the calls it lets through are added to
it, and each counted batch brings it up to the database's count."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import clock_at, utcnow
from app.domains.billing import limits
from app.domains.billing.limits import LimitReached, check_api_call, count_api_call, forget_api_allowance
from app.domains.billing.tables import Subscription
from app.settings import get_settings
from tests.billing.conftest import make_plan, subscribe
from tests.support import make_account


@pytest.fixture
def enforced(monkeypatch):
    monkeypatch.setattr(get_settings(), "billing_enforce_limits", True)  # the suite runs with it off


async def _allowed(organization_id: int, calls: int) -> int:
    """How many of `calls` API calls the plan lets through."""
    let = 0
    for _ in range(calls):
        try:
            await check_api_call(organization_id)
        except LimitReached:
            continue
        let += 1
    return let


async def test_one_process_stops_exactly_at_the_limit_and_a_plan_changed_elsewhere_applies_within_seconds(enforced):
    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=3))
    bigger = await make_plan(max_api_calls_per_month=10)
    now = utcnow()
    with clock_at(now):
        assert await _allowed(account.org_id, 5) == 3
        # another process upgrades the plan: this one still trusts what it read...
        await Subscription.update({Subscription.plan: bigger["id"]}).where(Subscription.organization == account.org_id)
        with pytest.raises(LimitReached, match="3 API calls a month"):
            await check_api_call(account.org_id)
    # ...until its seconds are up: the new plan, and the month's calls (none written yet) read afresh
    with clock_at(now + timedelta(seconds=limits.API_ALLOWANCE_SECONDS)):
        assert await _allowed(account.org_id, 12) == 10


async def test_counted_batches_bring_in_the_calls_other_processes_made(enforced):
    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=5))
    with clock_at(utcnow()):
        assert await _allowed(account.org_id, 2) == 2
        assert await count_api_call(account.org_id, 3) == 3  # another process's batch: the month holds 3
        assert await _allowed(account.org_id, 5) == 2  # 3 counted, 2 left: this process's own 2 not yet written


async def test_the_process_that_changes_the_plan_applies_it_at_once(enforced):
    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=1))
    bigger = await make_plan(max_api_calls_per_month=4)
    with clock_at(utcnow()):
        assert await _allowed(account.org_id, 2) == 1
        await Subscription.update({Subscription.plan: bigger["id"]}).where(Subscription.organization == account.org_id)
        forget_api_allowance(account.org_id)  # what apply_payment and the downgrade do
        assert await _allowed(account.org_id, 5) == 4  # the month's count was read again: none written


async def test_a_new_month_starts_afresh_and_no_limit_is_none(enforced):
    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=1))
    unlimited = await make_account()
    await subscribe(unlimited.org_id, await make_plan(max_api_calls_per_month=None))
    next_month = (utcnow().replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=0, second=0,
                                                                         microsecond=0)
    with clock_at(next_month - timedelta(seconds=1)):
        await count_api_call(account.org_id, 1)
        assert await _allowed(account.org_id, 1) == 0
        assert await _allowed(unlimited.org_id, 50) == 50
    with clock_at(next_month + timedelta(seconds=1)):  # two seconds on, within the kept ones: a new month all the same
        assert await _allowed(account.org_id, 2) == 1
