"""Fee mapping of both adapters from the sandbox's escrow / statement answers, over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.integrations.base import FeeKind
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.sandbox import finance
from app.sandbox.state import SandboxState
from tests.integrations.conftest import Connected


def expected_lines(order) -> dict[FeeKind, int]:
    """The breakdown as StoreSync's signed lines, computed from the sandbox's own figures."""
    f = finance.breakdown(order)
    lines = {
        FeeKind.ITEMS: f.items, FeeKind.PLATFORM_VOUCHER: f.platform_voucher,
        FeeKind.COMMISSION: -f.commission, FeeKind.SERVICE_FEE: -f.service_fee,
        FeeKind.TRANSACTION_FEE: -f.transaction_fee, FeeKind.CAMPAIGN_FEE: -f.campaign_fee,
        FeeKind.AFFILIATE_COMMISSION: -f.affiliate_commission, FeeKind.SHIPPING_BUYER_PAID: f.buyer_paid_shipping,
        FeeKind.SHIPPING_ACTUAL: -f.actual_shipping, FeeKind.SHIPPING_REBATE: f.shipping_rebate, FeeKind.TAX: -f.tax,
    }
    return {k: v for k, v in lines.items() if v}


def place(state: SandboxState, platform: str, shop_id: str, **extra):
    product = next(iter(state.shop(platform, shop_id).products.values()))
    sku = product.skus[0]
    return state.create_order(platform, shop_id, lines=[(product.product_id, sku.sku_id, 3)], push=False,
                              shipping_fee=12_000, platform_discount=5_000, seller_discount_percent=10, **extra)


async def test_shopee_escrow_fee_lines_add_up_and_match_the_breakdown(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                                     state: SandboxState):
    shop_id = shopee_shop.shop.shop_id
    orders = [place(state, "shopee", shop_id) for _ in range(3)]
    single = await shopee.get_settlements(shopee_shop.conn, [orders[0].order_id])
    batch = await shopee.get_settlements(shopee_shop.conn, [o.order_id for o in orders] + ["UNKNOWN1"])
    assert len(state.calls_to("shopee", "/api/v2/payment/get_escrow_detail")) >= 1
    assert len(state.calls_to("shopee", "/api/v2/payment/get_escrow_detail_batch")) >= 1
    assert single[0] == batch[0]
    assert [s.order_id for s in batch] == [o.order_id for o in orders]
    for order, settlement in zip(orders, batch, strict=True):
        assert settlement.currency == "IDR" and settlement.final is None
        assert settlement.amount == finance.breakdown(order).settlement
        assert {line.kind: line.amount for line in settlement.lines} == expected_lines(order)
        assert sum(line.amount for line in settlement.lines) == settlement.amount
    assert await shopee.get_settlements(shopee_shop.conn, ["NOPE"]) == []


async def test_shopee_lists_released_escrows(shopee: ShopeeAdapter, shopee_shop: Connected, state: SandboxState):
    shop_id = shopee_shop.shop.shop_id
    done, open_ = place(state, "shopee", shop_id), place(state, "shopee", shop_id)
    state.set_order_status("shopee", shop_id, done.order_id, "COMPLETED", push=False)
    now = datetime.now(UTC)
    ids = [x async for x in shopee.settled_orders(shopee_shop.conn, now - timedelta(days=20), now + timedelta(hours=1))]
    assert done.order_id in ids and open_.order_id not in ids


async def test_tiktok_statement_transactions_fee_lines_estimated_then_final(
        tiktok: TikTokAdapter, tiktok_shop: Connected, state: SandboxState):
    shop_id = tiktok_shop.shop.shop_id
    order = place(state, "tiktok", shop_id)
    [estimate] = await tiktok.get_settlements(tiktok_shop.conn, [order.order_id])
    assert estimate.final is False
    assert estimate.amount == finance.breakdown(order).settlement
    assert {line.kind: line.amount for line in estimate.lines} == expected_lines(order)
    assert sum(line.amount for line in estimate.lines) == estimate.amount

    state.set_order_status("tiktok", shop_id, order.order_id, "COMPLETED", push=False)
    [final] = await tiktok.get_settlements(tiktok_shop.conn, [order.order_id])
    assert final.final is True and final.amount == estimate.amount
    now = datetime.now(UTC)
    ids = [x async for x in tiktok.settled_orders(tiktok_shop.conn, now - timedelta(days=2), now + timedelta(days=1))]
    assert ids == [order.order_id]
    assert state.calls_to("tiktok", f"/finance/202501/orders/{order.order_id}/statement_transactions")
    assert await tiktok.get_settlements(tiktok_shop.conn, ["5799999999999999"]) == []


async def test_a_shop_settling_in_another_currency_says_so(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                         state: SandboxState):
    order = place(state, "tiktok", tiktok_shop.shop.shop_id)
    state.shop("tiktok", tiktok_shop.shop.shop_id).currency = "MYR"
    [settlement] = await tiktok.get_settlements(tiktok_shop.conn, [order.order_id])
    assert settlement.currency == "MYR"
