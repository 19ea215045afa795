"""A voucher's last uses under many racing checkouts: exactly as many winners as uses left, on both engines."""

from __future__ import annotations

import asyncio

from app.domains.marketing.tables import Voucher, VoucherCode, VoucherUse
from app.domains.orders.tables import Order
from tests.marketing.factories import make_voucher
from tests.website.factories import buyer, seeded_shop


async def test_thirty_buyers_racing_for_the_last_three_uses_give_three_discounted_orders(client):
    shop = await seeded_shop(100)
    voucher_id, code = await make_voucher(shop.tenant, value="10", total_limit="3")

    async def checkout(n: int):
        body = buyer(f"0813{n:08d}", lines=[{"variant_id": shop.variant["id"], "quantity": 1}], voucher=code)
        return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)

    results = await asyncio.gather(*[checkout(n) for n in range(30)])
    codes = [r.status_code for r in results]
    assert codes.count(201) == 3 and codes.count(422) == 27, codes
    assert all("sudah habis" in r.text for r in results if r.status_code == 422)
    assert (await Voucher.select(Voucher.used).where(Voucher.id == voucher_id).first())["used"] == 3
    assert await VoucherUse.count().where(VoucherUse.voucher == voucher_id) == 3
    orders = await Order.select(Order.seller_discount).where(Order.organization == shop.tenant.organization_id)
    assert len(orders) == 3 and all(o["seller_discount"] == 12_500 for o in orders)


async def test_one_single_use_code_raced_by_ten_buyers_is_used_once(client):
    shop = await seeded_shop(100)
    voucher_id, _prefix = await make_voucher(shop.tenant, kind="fixed", value="5000", batch_count="1")
    code = (await VoucherCode.select(VoucherCode.code).where(VoucherCode.voucher == voucher_id).first())["code"]

    async def checkout(n: int):
        body = buyer(f"0814{n:08d}", lines=[{"variant_id": shop.variant["id"], "quantity": 1}], voucher=code)
        return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)

    codes = [r.status_code for r in await asyncio.gather(*[checkout(n) for n in range(10)])]
    assert codes.count(201) == 1, codes
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 1
    assert (await VoucherCode.select(VoucherCode.used_at).where(VoucherCode.code == code).first())["used_at"]
