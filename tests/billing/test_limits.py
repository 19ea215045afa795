"""Plan limits at the boundary: exactly at the limit the addition is refused with a clear message,
one below it is allowed; orders keep arriving over the plan's monthly figure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.domains import billing
from app.domains.billing.limits import LimitReached
from app.domains.inventory.locations import create_location, set_active
from app.domains.inventory.tables import Location
from tests.billing.conftest import make_plan, subscribe
from tests.inventory.factories import make_variant, tenant_of
from tests.support import http_client, login, make_account, post


async def _locations(org_id: int) -> int:
    return await Location.count().where((Location.organization == org_id) & (Location.active == True))  # noqa: E712


async def test_locations_up_to_the_limit_are_added_and_the_next_is_refused():
    account = await make_account()
    tenant = tenant_of(account)
    await subscribe(account.org_id, await make_plan(max_locations=3))
    assert await _locations(account.org_id) == 1  # the first warehouse
    await create_location(tenant, "Gudang Dua", "G2")
    await create_location(tenant, "Gudang Tiga", "G3")  # 2 -> 3: reaching the limit is allowed
    with pytest.raises(LimitReached, match="at most 3 locations"):
        await create_location(tenant, "Gudang Empat", "G4")  # 3 -> 4: refused
    assert await _locations(account.org_id) == 3


async def test_a_free_organisation_is_refused_a_second_location_over_http_with_the_reason(app):
    account = await make_account()
    async with http_client(app) as client:
        await login(client, account)
        response = await post(client, "/inventory/locations", {"name": "Gudang Cabang", "code": "CB"}, htmx=True)
    assert response.status_code == 409
    assert "Free plan has at most 1 locations" in response.text and "Upgrade" in response.text
    assert await _locations(account.org_id) == 1


async def test_reactivating_a_location_counts_as_adding_one():
    account = await make_account()
    tenant = tenant_of(account)
    await subscribe(account.org_id, await make_plan(max_locations=2))
    second = await create_location(tenant, "Gudang Dua", "G2")
    await set_active(tenant, second.id, False)
    third = await create_location(tenant, "Gudang Tiga", "G3")
    with pytest.raises(LimitReached):
        await set_active(tenant, second.id, True)
    assert third.active and await _locations(account.org_id) == 2


async def test_members_and_open_invitations_count_against_the_member_limit():
    from app.core.statuses import Role
    from app.domains.accounts.members import invite
    from app.domains.accounts.schemas import InviteForm
    from app.domains.accounts.tables import Invitation

    account = await make_account()
    tenant = tenant_of(account)
    await subscribe(account.org_id, await make_plan(max_members=3))
    await invite(tenant, InviteForm(email="satu@example.id", role=Role.MEMBER))  # 1 member + 1 invited
    await invite(tenant, InviteForm(email="dua@example.id", role=Role.MEMBER))  # 2 -> 3: allowed
    with pytest.raises(LimitReached, match="room for 3 members"):
        await invite(tenant, InviteForm(email="tiga@example.id", role=Role.MEMBER))
    assert await Invitation.count().where(Invitation.organization == account.org_id) == 2


async def test_a_store_connection_is_refused_at_the_store_limit():
    from app.domains.stores.services import begin_connection
    from app.integrations.base import Platform
    from tests.tenancy_registry import _store

    account = await make_account()
    tenant = tenant_of(account)
    await subscribe(account.org_id, await make_plan(max_stores=2))
    await _store(account)
    assert await begin_connection(tenant, Platform.SHOPEE, timedelta(minutes=10))  # 1 connected: allowed
    await _store(account)
    with pytest.raises(LimitReached, match="connects at most 2 stores"):
        await begin_connection(tenant, Platform.SHOPEE, timedelta(minutes=10))


async def test_orders_keep_arriving_over_the_monthly_figure():
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location
    from app.domains.orders.services import create_manual_order

    account = await make_account()
    tenant = tenant_of(account)
    await subscribe(account.org_id, await make_plan(max_orders_per_month=1))
    variant = await make_variant(tenant)
    await stock.adjust(tenant, variant["id"], (await default_location(tenant)).id, 10, reason="opening")
    for _n in range(3):  # 1 allowed by the plan; the 2nd and 3rd are orders all the same
        await create_manual_order(tenant, customer_name="Budi", phone="0812", address="Jl. Mawar 1",
                                  lines=[(variant["sku"], 1)])
    usage = {line.resource: line for line in await billing.usage(account.org_id)}
    assert usage["orders"].used == 3 and usage["orders"].full
    await billing.check_limit(account.org_id, "orders")  # never refused


async def test_api_calls_are_counted_per_month_and_refused_at_the_limit():
    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=2))
    await billing.check_limit(account.org_id, "api_calls")
    assert await billing.count_api_call(account.org_id) == 1
    await billing.check_limit(account.org_id, "api_calls")  # 1 of 2: the second is allowed
    assert await billing.count_api_call(account.org_id) == 2
    with pytest.raises(LimitReached, match="2 API calls a month"):
        await billing.check_limit(account.org_id, "api_calls")
    next_month = utcnow() + timedelta(days=32)
    from app.core.clock import clock_at

    with clock_at(next_month):
        await billing.check_limit(account.org_id, "api_calls")  # a new month starts afresh


async def test_the_billing_page_shows_usage_bars_and_warns_from_80_percent(owner_client):
    org_id = owner_client.account.org_id
    await subscribe(org_id, await make_plan(max_locations=1, max_members=5, max_api_calls_per_month=10))
    for _n in range(8):
        await billing.count_api_call(org_id)
    page = await owner_client.get("/settings/billing/")
    assert page.status_code == 200
    text = page.text
    api = text.split('data-resource="api_calls"')[1].split('data-resource')[0]
    assert "8 / 10" in api and "Near the limit" in api and "pct-80" in api
    locations = text.split('data-resource="locations"')[1].split('data-resource')[0]
    assert "1 / 1" in locations and "Limit reached" in locations
    members = text.split('data-resource="members"')[1].split('data-resource')[0]
    assert "1 / 5" in members and "Near the limit" not in members


async def test_usage_counts_are_written_with_thousands_dots_like_the_plan_list(owner_client):
    """'0 / 500000' beside a plan list that says '500.000': the usage line reads '0 / 500.000'."""
    await subscribe(owner_client.account.org_id, await make_plan(max_orders_per_month=20_000,
                                                                 max_api_calls_per_month=500_000))
    text = (await owner_client.get("/settings/billing/")).text
    api = text.split('data-resource="api_calls"')[1].split('data-resource')[0]
    assert "0 / 500.000" in api
    orders = text.split('data-resource="orders"')[1].split('data-resource')[0]
    assert "0 / 20.000" in orders
