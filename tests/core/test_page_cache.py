"""Kept pages (app/core/page_cache.py): a repeated page comes from memory until the organisation's
data changes, by the person's own write, a background ingest, a stock change or a job; never across
sessions, organisations, roles, or between a page and its htmx fragment; never after access is gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from saq.job import Job

from app.core import page_cache
from app.core.clock import clock_at, utcnow
from app.domains.accounts.context_cache import forget_users
from app.domains.accounts.tables import Membership
from app.domains.catalog.tables import Product
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.ingest import ingest
from app.integrations.base import OrderStatus
from app.settings import get_settings
from tasks.lifecycle import after_process, before_process
from tests.catalog.test_products import product_data
from tests.inventory.factories import make_variant, tenant_of
from tests.orders.test_ingest import make_store, platform_order
from tests.support import add_member, http_client, login, make_account, post, unique


async def _rename_quietly(product_id: int, name: str) -> None:
    """A change no service announces (as the /admin tables could make): only the max age shows it."""
    await Product.update({Product.name: name}).where(Product.id == product_id)


async def _kept_product(client) -> tuple[dict, str]:
    """A product on the client's product list, the list now kept, and its name renamed behind the
    cache's back: the list still shows the old name, which proves the page came from memory."""
    name = unique("Kaos ")
    variant = await make_variant(tenant_of(client.account), name=name)
    first = await client.get("/products")
    assert first.status_code == 200 and name in first.text
    quiet = unique("Diam ")
    await _rename_quietly(variant["product"], quiet)
    again = await client.get("/products")
    assert name in again.text and quiet not in again.text
    return variant, quiet


async def test_a_repeated_page_is_served_until_its_max_age(owner_client):
    _variant, quiet = await _kept_product(owner_client)
    with clock_at(utcnow() + timedelta(seconds=get_settings().page_cache_max_age + 1)):
        assert quiet in (await owner_client.get("/products")).text


async def test_a_kept_page_goes_out_with_the_headers_of_its_first_answer(owner_client):
    first = await owner_client.get("/products")
    answers = [await owner_client.get("/products") for _ in range(3)]
    for answer in answers:
        assert answer.text == first.text
        assert len(answer.headers.get_list("set-cookie")) == len(first.headers.get_list("set-cookie")) == 1
        assert sorted(answer.headers.keys()) == sorted(first.headers.keys())


async def test_turned_off_every_page_is_rendered_afresh(owner_client, monkeypatch):
    monkeypatch.setattr(get_settings(), "page_cache", False)
    name = unique("Kaos ")
    variant = await make_variant(tenant_of(owner_client.account), name=name)
    assert name in (await owner_client.get("/products")).text
    quiet = unique("Diam ")
    await _rename_quietly(variant["product"], quiet)
    assert quiet in (await owner_client.get("/products")).text


async def test_own_write_shows_on_the_next_page(owner_client):
    await _kept_product(owner_client)
    sku = unique("KMJ-").upper()
    made = await post(owner_client, "/products", product_data(
        "Kemeja Batik Kawung", {"sku": sku, "price": "250000", "size": "M", "colour": "", "barcode": ""}))
    assert made.status_code in (200, 303), made.text[:300]
    assert sku in (await owner_client.get("/products")).text


async def test_a_background_order_ingest_shows_on_the_order_list_and_dashboard(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)
    store = await make_store(tenant)
    number = unique("SHP-").upper()
    for path in ("/orders", "/"):
        assert number not in (await owner_client.get(path)).text
    dashboard = await owner_client.get("/")
    # as the worker ingests a marketplace order: no request of the organisation, only its events
    await ingest(tenant, store, platform_order(number, OrderStatus.TO_SHIP, variant["sku"], 1))
    assert number in (await owner_client.get("/orders")).text
    assert (await owner_client.get("/")).text != dashboard.text  # orders to ship went from 0 to 1


async def test_a_stock_change_shows_on_the_product_list(owner_client):
    tenant = tenant_of(owner_client.account)
    variant, quiet = await _kept_product(owner_client)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 7)  # AvailableChanged
    assert quiet in (await owner_client.get("/products")).text


async def test_an_order_status_change_shows_on_the_order_page(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)
    store = await make_store(tenant)
    number = unique("SHP-").upper()
    order_id = (await ingest(tenant, store, platform_order(number, OrderStatus.TO_SHIP, variant["sku"], 1))).order_id
    before = await owner_client.get(f"/orders/{order_id}")
    assert before.status_code == 200 and number in before.text
    await ingest(tenant, store, platform_order(number, OrderStatus.CANCELLED, variant["sku"], 1, minutes=5))
    after = await owner_client.get(f"/orders/{order_id}")
    assert after.text != before.text


async def test_a_job_of_the_organisation_starting_and_ending_changes_its_version(owner_client):
    org = owner_client.account.org_id
    job = Job("demo_count", kwargs={"organization_id": org})
    first = await page_cache.current_version(org)
    await before_process({"job": job})
    started = await page_cache.current_version(org)
    await after_process({"job": job})
    assert len({first, started, await page_cache.current_version(org)}) == 3


async def test_a_removed_member_is_not_served_the_kept_page(app, owner_client):
    member = await add_member(owner_client.account.org_id, "member")
    async with http_client(app) as client:
        await login(client, member)
        client.account = member
        await _kept_product(client)
        # removed as the members page does it, minus the write request (which would also change the version)
        await Membership.delete().where((Membership.user == member.user_id)
                                        & (Membership.organization == member.org_id))
        await forget_users([member.user_id])
        refused = await client.get("/products", follow_redirects=False)
        assert refused.status_code != 200 and "Kaos" not in refused.text


async def test_a_lowered_role_gets_its_own_page(app, owner_client):
    member = await add_member(owner_client.account.org_id, "member")
    async with http_client(app) as client:
        await login(client, member)
        assert 'href="/orders/new"' in (await client.get("/orders")).text
        await Membership.update({Membership.role: "viewer"}).where(Membership.user == member.user_id)
        await forget_users([member.user_id])
        assert 'href="/orders/new"' not in (await client.get("/orders")).text


async def test_nobody_gets_another_persons_or_organisations_page(app, owner_client):
    other_org = await make_account(unique("Toko Lain "))
    same_org = await add_member(owner_client.account.org_id, "owner")  # same role, another person
    mine = (await owner_client.get("/")).text
    assert owner_client.account.org_name in mine and "Hello, Budi Santoso" in mine
    async with http_client(app) as client:
        await login(client, other_org)
        page = (await client.get("/")).text
        assert other_org.org_name in page and owner_client.account.org_name not in page
    async with http_client(app) as client:
        await login(client, same_org)
        page = (await client.get("/")).text
        assert "Hello, Owner Person" in page and "Hello, Budi Santoso" not in page


async def test_a_new_session_of_the_same_person_renders_its_own_page(app, owner_client):
    await _kept_product(owner_client)
    async with http_client(app) as client:
        await login(client, owner_client.account)
        page = (await client.get("/products")).text
        # the form token of this browser, not the other one's
        assert client.cookies.get("ss_csrf") in page and owner_client.cookies.get("ss_csrf") not in page


@pytest.mark.parametrize("path", ["/orders", "/products"])
async def test_fragments_and_full_pages_do_not_mix(owner_client, path):
    full = await owner_client.get(path)
    fragment = await owner_client.get(path, headers={"HX-Request": "true", "HX-Target": "results"})
    boosted = await owner_client.get(path, headers={"HX-Request": "true", "HX-Boosted": "true"})
    again = await owner_client.get(path)
    assert "<html" in full.text and "<html" not in fragment.text
    assert "<html" in boosted.text and again.text == full.text
    assert (await owner_client.get(path, headers={"HX-Request": "true", "HX-Target": "results"})).text == fragment.text


async def test_a_page_showing_a_flash_message_is_not_kept(owner_client):
    await owner_client.get("/products")
    sku = unique("KMJ-").upper()
    made = await post(owner_client, "/products", product_data(
        "Kemeja Batik Kawung", {"sku": sku, "price": "250000", "size": "M", "colour": "", "barcode": ""}),
        follow_redirects=False)
    assert made.status_code == 303
    with_flash = await owner_client.get("/products")
    assert 'class="flash' in with_flash.text
    assert 'class="flash' not in (await owner_client.get("/products")).text


async def test_an_error_page_is_not_kept(owner_client):
    kept = len(page_cache.pages)
    assert (await owner_client.get("/orders/2000000000")).status_code == 404
    assert len(page_cache.pages) == kept


async def test_an_api_write_changes_the_organisations_version(app, owner_client):
    from app.core import events
    from app.domains.catalog import ProductChanged
    from tests.platform_api.factories import bearer, make_key

    org = owner_client.account.org_id
    _key_id, secret = await make_key(owner_client.account)
    before = await page_cache.current_version(org)
    events.unsubscribe(ProductChanged, page_cache.bump_events)  # the write request alone must do it
    try:
        async with http_client(app) as client:
            made = await client.post("/api/v1/products", headers=bearer(secret), json={
                "name": "Kaos API", "variants": [{"sku": unique("API-").upper(), "price": 100000}]})
    finally:
        events.subscribe_batch(ProductChanged, page_cache.bump_events)
    assert made.status_code == 201, made.text[:300]
    assert await page_cache.current_version(org) != before
