"""A voucher's last uses under many racing checkouts: exactly as many winners as uses left, on both engines."""

from __future__ import annotations

import asyncio

from app.domains.marketing.tables import Voucher, VoucherCode, VoucherCustomer, VoucherUse
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


async def test_one_buyer_sending_eight_checkouts_at_once_uses_a_once_per_customer_voucher_once(client):
    shop = await seeded_shop(100)
    voucher_id, code = await make_voucher(shop.tenant, value="10", per_customer_limit="1")

    async def checkout(n: int):
        phone = "0815 0000 0001" if n % 2 else "+62 815-0000-0001"  # one buyer, typed two ways
        body = buyer(phone, lines=[{"variant_id": shop.variant["id"], "quantity": 1}], voucher=code)
        return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)

    results = await asyncio.gather(*[checkout(n) for n in range(8)])
    codes = [r.status_code for r in results]
    assert codes.count(201) == 1 and codes.count(422) == 7, codes
    assert all("sudah memakai voucher ini" in r.text for r in results if r.status_code == 422)
    assert (await VoucherCustomer.select(VoucherCustomer.uses).where(VoucherCustomer.voucher == voucher_id))[0][
        "uses"] == 1
    assert (await Voucher.select(Voucher.used).where(Voucher.id == voucher_id).first())["used"] == 1
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 1


async def test_checkouts_stacking_two_vouchers_in_either_order_at_once_all_go_through(client):
    # the vouchers' counters are claimed in one order whatever order the buyer typed the codes in:
    # two transactions never wait for each other's counter (a deadlock PostgreSQL would break with an error)
    shop = await seeded_shop(100)
    first_id, first = await make_voucher(shop.tenant, value="5", stackable="on", total_limit="50")
    second_id, second = await make_voucher(shop.tenant, kind="fixed", value="1000", stackable="on", total_limit="50")

    async def checkout(n: int):
        codes = [first, second] if n % 2 else [second, first]
        body = buyer(f"0816{n:08d}", lines=[{"variant_id": shop.variant["id"], "quantity": 1}], vouchers=codes)
        return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)

    results = await asyncio.gather(*[checkout(n) for n in range(12)])
    assert [r.status_code for r in results] == [201] * 12, [r.text for r in results if r.status_code != 201]
    used = {r["id"]: r["used"] for r in await Voucher.select(Voucher.id, Voucher.used).where(
        Voucher.id.is_in([first_id, second_id]))}
    assert used == {first_id: 12, second_id: 12}
    assert await VoucherUse.count().where(VoucherUse.voucher.is_in([first_id, second_id])) == 24
