"""Each main page costs a small, fixed number of database statements, however many rows it shows
(no query per row), and an htmx fragment (infinite scroll, a tab, a filter) costs fewer than its
page. Counted at the driver (tests/query_budget.py), on the engine under test.

The shop grows from N to 3N of everything a page lists (products, bundles, stock, orders with
lines and tags, listings, sync lines, pick lists, returns); every page must send the same
statements at both sizes, and no more than its budget. The request context comes from its cache,
so a warm page costs no statement for who is asking.
"""

from __future__ import annotations

import pytest

from app.core.tenancy import Tenant
from tests.inventory.factories import make_location, make_variant, tenant_of
from tests.query_budget import counting
from tests.support import http_client, login, make_account, unique

N = 4

# Statements per page, the most any of them may send (SQLite and PostgreSQL alike).
BUDGET = {
    "dashboard": 4,
    "orders": 4,
    "order_detail": 5,
    "products": 4,
    "product": 4,
    "stock": 2,
    "fulfillment": 5,
    "sync": 7,
}
HTMX = {"HX-Request": "true"}


async def _grow(tenant: Tenant, shop: dict, units: int) -> None:
    """`units` more of everything the pages list."""
    from app.domains.catalog.schemas import ProductForm, VariantForm
    from app.domains.catalog.services import create_product, set_bundle
    from app.domains.fulfillment.picking import create_pick_list
    from app.domains.inventory import stock
    from app.domains.jobs.tables import BackgroundJob
    from app.domains.listings.tables import Listing
    from app.domains.orders import returns, tags
    from app.domains.orders.services import create_manual_order, get_order, transition
    from app.domains.sync.tables import SyncLog

    for _ in range(units):
        a = await make_variant(tenant, name=unique("Kemeja "))
        b = await make_variant(tenant, name=unique("Celana "))
        paket = await make_variant(tenant, name=unique("Paket "))
        await set_bundle(tenant, paket["id"], [(a["sku"], 1), (b["sku"], 2)])
        await stock.receive(tenant, a["id"], shop["locations"][0], 40)
        await stock.receive(tenant, b["id"], shop["locations"][0], 40)
        await stock.receive(tenant, a["id"], shop["locations"][1], 5)
        shop["product"] = await create_product(tenant, ProductForm(name=unique("Batik "), variants=[
            VariantForm(sku=unique("BTK-").upper(), price=99_000, attributes={"size": s}) for s in "SML"]))
        _, variants = await _product_variants(tenant, shop["product"])
        await set_bundle(tenant, variants[0]["id"], [(a["sku"], 1)])
        for v in variants[1:]:
            await stock.receive(tenant, v["id"], shop["locations"][0], 10)
        listing = Listing(organization=tenant.organization_id, store=shop["store"], platform_item_id=unique("item"),
                          title=unique("Listing "), seller_sku=a["sku"], variant=a["id"], status="mapped")
        await listing.save()
        await Listing(organization=tenant.organization_id, store=shop["store"], platform_item_id=unique("item"),
                      title=unique("Unmapped "), seller_sku=unique("X")).save()
        await SyncLog(organization=tenant.organization_id, store_id=shop["store"], listing_id=listing.id,
                      variant_id=a["id"], action="push", quantity=3, previous_quantity=2, message="pushed").save()
        await BackgroundJob(organization=tenant.organization_id, kind="push_stock", label="Push",
                            saq_key=unique("bg:"), status="complete").save()
        for lines in ([(a["sku"], 1), (b["sku"], 1)], [(paket["sku"], 1)], [(a["sku"], 1)]):
            order_id = await create_manual_order(tenant, customer_name=unique("Budi "), phone="+62811000",
                                                 address="Jl. Merdeka 1", lines=lines)
            await tags.add_tag(tenant, order_id, unique("tag"))
        shop["order"] = order_id
        await create_pick_list(tenant, [order_id])
    # the order page's order: lines, tags, events, a return, all growing with the shop
    lines = [(v["sku"], 1) for v in (await _all_plain_variants(tenant))[: units * 2]]
    big = await create_manual_order(tenant, customer_name="Siti Rahayu", phone="+62812000", address="Jl. Sudirman 5",
                                    lines=lines)
    for _ in range(units):
        await tags.add_tag(tenant, big, unique("tag"))
    for state in ("packed", "shipped", "delivered"):
        await transition(tenant, big, state)
    order = await get_order(tenant, big)
    await returns.open_return(tenant, big, {order.lines[0].id: 1}, reason="rusak")
    shop["big_order"] = big


async def _product_variants(tenant: Tenant, product_id: int):
    from app.domains.catalog.services import get_product

    return await get_product(tenant, product_id)


async def _all_plain_variants(tenant: Tenant) -> list[dict]:
    from app.domains.catalog.tables import Variant

    return await tenant.scoped(Variant).select(Variant.id, Variant.sku).where(
        Variant.is_bundle == False).order_by(Variant.id)  # noqa: E712


def _pages(shop: dict) -> dict[str, str]:
    return {"dashboard": "/", "orders": "/orders", "order_detail": f"/orders/{shop['big_order']}",
            "products": "/products", "product": f"/products/{shop['product']}", "stock": "/inventory",
            "fulfillment": "/fulfillment", "sync": "/sync"}


async def _statements(client, url: str, headers: dict | None = None) -> list[str]:
    with counting() as log:
        response = await client.get(url, headers=headers or {})
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    return log.statements


@pytest.fixture
async def shop(app, monkeypatch):
    from app.domains.inventory.locations import list_locations
    from app.settings import get_settings

    # the budget is what rendering a page costs: a kept page (app/core/page_cache.py) costs none
    monkeypatch.setattr(get_settings(), "page_cache", False)
    from tests.tenancy_registry import ROW_FACTORIES

    account = await make_account()
    tenant = tenant_of(account)
    second = await make_location(tenant)
    shop = {"account": account, "store": await ROW_FACTORIES["store_id"](account),
            "locations": [(await list_locations(tenant))[0]["id"], second["id"]]}
    async with http_client(app) as client:
        await login(client, account)
        shop["client"], shop["tenant"] = client, tenant
        yield shop


async def test_every_main_page_costs_the_same_few_statements_at_n_and_3n_rows(shop):
    client, tenant = shop["client"], shop["tenant"]
    await _grow(tenant, shop, N)
    pages = _pages(shop)
    small = {}
    for name, url in pages.items():
        await client.get(url)  # the request context is cached after a first request
        small[name] = await _statements(client, url)
    await _grow(tenant, shop, 2 * N)
    pages = _pages(shop)  # the order and product pages now show the larger order and product
    over = []
    for name, url in pages.items():
        large = await _statements(client, url)
        if len(large) > BUDGET[name] or len(large) != len(small[name]):
            over.append(f"{name} ({url}): {len(small[name])} statements at N, {len(large)} at 3N, budget "
                        f"{BUDGET[name]}:\n" + "\n".join(s[:200] for s in large))
    assert not over, "\n\n".join(over)


async def test_htmx_fragments_load_less_than_their_page(shop):
    from app.domains.orders.tables import Order

    client, tenant = shop["client"], shop["tenant"]
    await _grow(tenant, shop, N)
    oldest = await tenant.scoped(Order).select(Order.id).order_by(Order.id, ascending=False).limit(2)
    await client.get("/")
    fragments = {
        # infinite scroll: the next page of rows only
        "/orders": f"/orders?after={oldest[-1]['id']}",
        "/products": "/products?after=999999999",
        "/inventory": "/inventory?after=999999999",
        # the order queue's tabs (their counts, every 15 s) and a search in the catalog
        "/orders?state=ready_to_ship": "/orders/counts?state=ready_to_ship",
        "/products?q=kemeja": "/products?q=kemeja",
    }
    heavy = []
    for page, fragment in fragments.items():
        full = await _statements(client, page)
        part = await _statements(client, fragment, HTMX)
        if len(part) >= len(full):
            heavy.append(f"{fragment} as a fragment sent {len(part)} statements, the page {len(full)}:\n"
                         + "\n".join(s[:200] for s in part))
    assert not heavy, "\n\n".join(heavy)
