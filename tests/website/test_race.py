"""The last units sold once across every channel: website checkouts racing marketplace orders."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.core.clock import clock_at, utcnow
from app.domains.inventory.tables import StockChange, StockLevel, StockMovement
from app.domains.orders.ingest import ingest
from app.domains.orders.tables import Order
from app.domains.website.lifecycle import expire_due
from app.integrations.base import OrderStatus
from tests.orders.test_ingest import make_store, platform_order
from tests.website.factories import buyer, seeded_shop


async def _movements(variant_id: int) -> list[dict]:
    return await StockMovement.select().where(StockMovement.variant == variant_id).order_by(StockMovement.id)


async def test_sixty_checkouts_and_marketplace_orders_sell_exactly_the_five_units(client):
    shop = await seeded_shop(5)
    store = await make_store(shop.tenant)
    vid, sku = shop.variant["id"], shop.variant["sku"]

    async def website(n: int):
        body = buyer(f"0813{n:08d}", lines=[{"variant_id": vid, "quantity": 1}])
        return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)

    async def marketplace(n: int):
        return await ingest(shop.tenant, store, platform_order(f"SO-RACE-{n}", OrderStatus.TO_SHIP, sku))

    jobs = [website(n) for n in range(60)]
    for n in range(10):
        jobs.insert(n * 6, marketplace(n))
    results = await asyncio.gather(*jobs)
    web = [r for r in results if hasattr(r, "status_code")]
    market = [r for r in results if not hasattr(r, "status_code")]
    codes = sorted(r.status_code for r in web)
    assert set(codes) <= {201, 409}, codes
    web_wins = codes.count(201)
    market_wins = sum(1 for r in market if not r.oversold)
    assert web_wins + market_wins == 5, (web_wins, market_wins)
    assert all("detail" in r.json() for r in web if r.status_code == 409)
    level = await StockLevel.select().where(StockLevel.variant == vid).first()
    assert (level["on_hand"], level["reserved"]) == (5, 5)
    moves = await _movements(vid)
    assert sum(m["reserved_delta"] for m in moves) == 5 and sum(m["on_hand_delta"] for m in moves) == 5
    assert moves[-1]["reserved_after"] == 5
    # every ledger row has its outbox row (the push to the marketplaces reads the outbox)
    assert await StockChange.count().where(StockChange.variant == vid) == len(moves)
    website_orders = await Order.select(Order.state, Order.stock_state).where(
        (Order.organization == shop.tenant.organization_id) & (Order.channel == "website"))
    assert len(website_orders) == web_wins and all(o["stock_state"] == "reserved" for o in website_orders)


async def test_an_expired_unpaid_order_releases_its_stock_and_the_push_follows(client):
    shop = await seeded_shop(3)
    vid = shop.variant["id"]
    body = buyer(lines=[{"variant_id": vid, "quantity": 2}], payment_method="bank_transfer")
    placed = (await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)).json()
    before = await StockChange.count().where(StockChange.variant == vid)
    assert await expire_due(utcnow() + timedelta(hours=23)) == 0  # not yet
    with clock_at(utcnow() + timedelta(hours=25)):
        assert await expire_due() >= 1
    order = await Order.select().where(Order.platform_order_id == placed["order_number"]).first()
    assert order["state"] == "cancelled" and order["stock_state"] == "released"
    level = await StockLevel.select().where(StockLevel.variant == vid).first()
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    assert await StockChange.count().where(StockChange.variant == vid) == before + 1  # the push's outbox row
    status = (await client.get(f"/api/storefront/{shop.slug}/orders/{placed['status_url'].rsplit('/', 1)[1]}")).json()
    assert status["state"] == "cancelled"
    assert await expire_due(utcnow() + timedelta(hours=26)) == 0  # once only


async def test_a_payment_arriving_after_expiry_is_flagged_for_refund_not_lost(client):
    from app.domains.payments.services import payment_for_order, settle

    shop = await seeded_shop(3)
    vid = shop.variant["id"]
    body = buyer(lines=[{"variant_id": vid, "quantity": 1}], payment_method="bank_transfer")
    placed = (await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)).json()
    order = await Order.select().where(Order.platform_order_id == placed["order_number"]).first()
    with clock_at(utcnow() + timedelta(hours=25)):
        assert await expire_due() >= 1

    payment = await payment_for_order(shop.tenant.organization_id, order["id"])
    assert payment is not None and payment.status != "paid"
    assert await settle(payment.payment_id, amount=placed["amount_due"]) == "flagged"

    flagged = await payment_for_order(shop.tenant.organization_id, order["id"])
    assert flagged is not None and flagged.status == "refund_due" and flagged.paid_amount == placed["amount_due"]
    assert flagged.flagged_reason  # why, for the seller's refund list
    after = await Order.select(Order.state, Order.stock_state).where(Order.id == order["id"]).first()
    assert after == {"state": "cancelled", "stock_state": "released"}  # the late money sells nothing
    level = await StockLevel.select().where(StockLevel.variant == vid).first()
    assert (level["on_hand"], level["reserved"]) == (3, 0)
    assert await settle(payment.payment_id, amount=placed["amount_due"]) == "duplicate"
