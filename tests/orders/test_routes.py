"""The order queue over HTTP: tabs, search, transitions with stock, manual orders, bad input."""

from __future__ import annotations

import re

from app.core import page_cache
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.inventory.tables import StockLevel
from app.domains.orders.ingest import ingest
from app.domains.orders.tables import Order
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant, tenant_of
from tests.orders.test_ingest import make_store, platform_order
from tests.support import add_member, http_client, login, post


async def _ready_order(account, units: int = 5, qty: int = 2):
    tenant = tenant_of(account)
    variant = await make_variant(tenant)
    location = await default_location(tenant)
    await stock.receive(tenant, variant["id"], location["id"], units)
    store = await make_store(tenant)
    result = await ingest(tenant, store, platform_order("SHP-777", OrderStatus.TO_SHIP, variant["sku"], qty))
    return tenant, variant, result.order_id


async def _manual_ready_order(account, units: int = 5, qty: int = 2):
    """A manual order (its states are StoreSync's own to change), ready to ship with stock reserved."""
    from app.domains.orders.services import create_manual_order

    tenant = tenant_of(account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], units)
    order_id = await create_manual_order(tenant, customer_name="Siti Aminah", phone="", address="Jl. Melati 1",
                                         lines=[(variant["sku"], qty)])
    return tenant, variant, order_id


async def _level(variant_id):
    row = await StockLevel.select().where(StockLevel.variant == variant_id).first()
    return row["on_hand"], row["reserved"]


async def test_queue_tabs_search_and_detail(owner_client):
    _tenant, variant, order_id = await _ready_order(owner_client.account)
    page = await owner_client.get("/orders", params={"state": "ready_to_ship"})
    assert page.status_code == 200 and "SHP-777" in page.text
    by_sku = await owner_client.get("/orders", params={"q": variant["sku"].lower()}, headers={"HX-Request": "true"})
    assert "SHP-777" in by_sku.text
    by_name = await owner_client.get("/orders", params={"q": "siti"})
    assert "SHP-777" in by_name.text
    assert "SHP-777" not in (await owner_client.get("/orders", params={"q": "nobody-like-this"})).text
    detail = await owner_client.get(f"/orders/{order_id}")
    assert detail.status_code == 200 and variant["sku"] in detail.text and "Siti Aminah" in detail.text


async def test_allowed_and_forbidden_transitions_with_their_stock_effects(owner_client):
    _tenant, variant, order_id = await _manual_ready_order(owner_client.account)
    assert await _level(variant["id"]) == (5, 2)
    bad = await post(owner_client, f"/orders/{order_id}/state", {"state": "delivered"}, htmx=True)
    assert bad.status_code == 409 and "cannot become" in bad.text
    assert await _level(variant["id"]) == (5, 2)
    for state in ("picking", "packed", "shipped"):
        ok = await post(owner_client, f"/orders/{order_id}/state", {"state": state}, htmx=True)
        assert ok.status_code == 200, (state, ok.text[:300])
    assert await _level(variant["id"]) == (3, 0)
    again = await post(owner_client, f"/orders/{order_id}/state", {"state": "shipped"}, htmx=True)
    assert again.status_code == 409  # shipping twice ships once
    assert await _level(variant["id"]) == (3, 0)


async def test_a_marketplace_order_takes_only_the_warehouse_steps_locally(owner_client):
    _tenant, variant, order_id = await _ready_order(owner_client.account)
    for state in ("cancelled", "shipped"):
        refused = await post(owner_client, f"/orders/{order_id}/state", {"state": state}, htmx=True)
        assert refused.status_code == 409 and "marketplace" in refused.text
    assert await _level(variant["id"]) == (5, 2)
    ok = await post(owner_client, f"/orders/{order_id}/state", {"state": "picking"}, htmx=True)
    assert ok.status_code == 200 and "Mark as shipped" not in ok.text


async def test_cancelling_a_ready_order_releases_stock_and_a_cancelled_one_cannot_ship(owner_client):
    _tenant, variant, order_id = await _manual_ready_order(owner_client.account)
    await post(owner_client, f"/orders/{order_id}/state", {"state": "cancelled"}, htmx=True)
    assert await _level(variant["id"]) == (5, 0)
    refused = await post(owner_client, f"/orders/{order_id}/state", {"state": "shipped"}, htmx=True)
    assert refused.status_code == 409
    assert (await Order.select(Order.state).where(Order.id == order_id).first())["state"] == "cancelled"


async def test_manual_order_reserves_stock_and_refuses_what_is_not_there(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 3)
    ok = await post(owner_client, "/orders/", {"customer_name": "Andi (WhatsApp)", "phone": "+62 812 1111 2222",
                                               "line-0-code": variant["sku"], "line-0-qty": "2"})
    assert ok.status_code in (200, 303), ok.text[:500]
    assert await _level(variant["id"]) == (3, 2)
    before = await Order.count().where(Order.organization == tenant.organization_id)
    too_many = await post(owner_client, "/orders/", {"customer_name": "Budi", "line-0-code": variant["sku"],
                                                     "line-0-qty": "5"})
    assert too_many.status_code == 422 and "Not enough stock" in too_many.text
    unknown = await post(owner_client, "/orders/", {"customer_name": "Budi", "line-0-code": "NOPE-1"})
    assert unknown.status_code == 422 and "No active variant" in unknown.text
    nameless = await post(owner_client, "/orders/", {"customer_name": "", "line-0-code": variant["sku"]})
    assert nameless.status_code == 422 and "Customer name is required" in nameless.text
    assert await Order.count().where(Order.organization == tenant.organization_id) == before
    assert await _level(variant["id"]) == (3, 2)


async def test_viewers_see_orders_but_cannot_act(app, owner_client):
    _tenant, variant, order_id = await _ready_order(owner_client.account)
    viewer = await add_member(owner_client.account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        assert (await client.get(f"/orders/{order_id}")).status_code == 200
        assert (await post(client, f"/orders/{order_id}/state", {"state": "cancelled"}, htmx=True)).status_code == 403
    assert await _level(variant["id"]) == (5, 2)


async def test_manual_order_amounts_and_refused_amounts(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)  # price from the factory
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 10)
    before = await Order.count().where(Order.organization == tenant.organization_id)
    for fee, discount, field_error in (("lima ribu", "", "Type an amount in rupiah"),
                                       ("", "-5", "Type an amount in rupiah"),
                                       ("0", str(variant["price"] * 2 + 1), "cannot be more than")):
        refused = await post(owner_client, "/orders/", {"customer_name": "Rudi", "line-0-code": variant["sku"],
                                                        "line-0-qty": "2", "shipping_fee": fee, "discount": discount})
        assert refused.status_code == 422 and field_error in refused.text
    bad_mail = await post(owner_client, "/orders/", {"customer_name": "Rudi", "email": "rudi at contoh",
                                                     "line-0-code": variant["sku"]})
    assert bad_mail.status_code == 422 and "e-mail address" in bad_mail.text
    assert await Order.count().where(Order.organization == tenant.organization_id) == before
    assert await _level(variant["id"]) == (10, 0)
    ok = await post(owner_client, "/orders/", {"customer_name": "Rudi", "email": "Rudi@Contoh.id",
                                               "line-0-code": variant["sku"], "line-0-qty": "2",
                                               "shipping_fee": "Rp 15.000", "discount": "5.000"})
    assert ok.status_code in (200, 303), ok.text[:300]
    row = await Order.select().where(Order.organization == tenant.organization_id).order_by(
        Order.id, ascending=False).first()
    assert (row["subtotal"], row["shipping_fee"], row["seller_discount"]) == (variant["price"] * 2, 15_000, 5_000)
    assert row["total"] == variant["price"] * 2 + 10_000 and row["customer_email"] == "rudi@contoh.id"
    page = await owner_client.get(f"/orders/{row['id']}")
    assert "Rp 15.000" in page.text and "Seller discount" in page.text


async def test_a_packed_orders_main_button_ships_it_and_going_back_to_picking_comes_last(owner_client):
    """A packed order's first (primary) button was "Start picking", ahead of "Mark shipped"; going
    back reads "Back to picking", and only a ready order offers "Start picking"."""
    _tenant, _variant, order_id = await _manual_ready_order(owner_client.account)
    await Order.update({Order.state: "packed"}).where(Order.id == order_id)
    page = (await owner_client.get(f"/orders/{order_id}")).text
    actions = page.split('class="actions order-actions"')[1].split("</div>")[0]
    buttons = re.findall(r'<button class="button ([a-z]*)">([^<]+)</button>', actions)
    assert buttons[0] == ("primary", "Mark shipped"), buttons
    assert buttons[-1][1] == "Back to picking", buttons
    await Order.update({Order.state: "ready_to_ship"}).where(Order.id == order_id)
    await page_cache.bump(owner_client.account.org_id)  # written behind the app's back: its kept page is stale
    page = (await owner_client.get(f"/orders/{order_id}")).text
    assert ">Start picking</button>" in page and "Back to" not in page
