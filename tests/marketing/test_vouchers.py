"""Voucher rules at the website's checkout: what each kind takes off (rounded down to the rupiah),
the reasons a code is refused, and the totals and payment that follow the discount."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import clock_at, utcnow
from app.domains.marketing import release_cancelled, vouchers
from app.domains.marketing.tables import Voucher, VoucherCode, VoucherUse
from app.domains.orders.tables import Order
from app.domains.website.tables import WebsiteOrder
from tests.inventory.factories import make_variant
from tests.marketing.factories import make_voucher
from tests.website.factories import buyer, seeded_shop


def test_percentages_round_down_to_the_rupiah_and_respect_their_cap():
    assert vouchers.items_discount("percent", 15, 0, 33_333) == 4_999  # 4999.95 -> 4999
    assert vouchers.items_discount("percent", 50, 20_000, 100_000) == 20_000
    assert vouchers.items_discount("fixed", 50_000, 0, 30_000) == 30_000  # never more than the items
    assert vouchers.items_discount("free_shipping", 20_000, 0, 30_000) == 0


async def _checkout(client, shop, phone="0812 1111 2222", quantity=1, **changes):
    body = buyer(phone, lines=[{"variant_id": shop.variant["id"], "quantity": quantity}], **changes)
    return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)


async def test_a_percent_voucher_lowers_the_order_total_and_the_amount_to_pay(client):
    shop = await seeded_shop(5, price=99_999)
    _vid, code = await make_voucher(shop.tenant, value="15")
    placed = await _checkout(client, shop, payment_method="bank_transfer", voucher=f" {code.lower()} ")
    assert placed.status_code == 201, placed.text
    order = await Order.select().where(Order.platform_order_id == placed.json()["order_number"]).first()
    assert order["seller_discount"] == 14_999  # 15 % of 99.999 = 14.999,85, rounded down
    assert order["total"] == 99_999 + 15_000 - 14_999
    due = placed.json()["amount_due"]
    assert 0 <= due - order["total"] < 1000  # the transfer's unique code comes on top of the discounted total
    use = await VoucherUse.select().where(VoucherUse.order == order["id"]).first()
    assert (use["discount"], use["code"], use["customer"]) == (14_999, code, "+6281211112222")
    assert (await WebsiteOrder.select().where(WebsiteOrder.order == order["id"]).first())["amount_due"] == due


async def test_free_shipping_pays_at_most_its_amount_and_stacks_with_a_fixed_voucher(client):
    shop = await seeded_shop(5, price=100_000)  # flat shipping 15.000
    _a, ship = await make_voucher(shop.tenant, kind="free_shipping", value="10.000", stackable="on")
    _b, fixed = await make_voucher(shop.tenant, kind="fixed", value="25000", stackable="on")
    placed = await _checkout(client, shop, vouchers=[ship, fixed])
    assert placed.status_code == 201, placed.text
    order = await Order.select().where(Order.platform_order_id == placed.json()["order_number"]).first()
    assert (order["seller_discount"], order["total"]) == (35_000, 100_000 + 15_000 - 35_000)


@pytest.mark.parametrize(("rules", "quantity", "reason"), [
    ({"ends_at": "2020-01-01T00:00"}, 1, "sudah kedaluwarsa"),
    ({"starts_at": "2099-01-01T00:00"}, 1, "belum berlaku"),
    ({"min_spend": "300.000"}, 2, "belanja minimum Rp 300.000"),
    ({"categories": "Elektronik"}, 1, "tidak berlaku untuk barang"),
    ({"active": None}, 1, "tidak ada"),
])
async def test_a_refused_code_says_why_and_places_nothing(client, rules, quantity, reason):
    shop = await seeded_shop(5, price=100_000)
    _vid, code = await make_voucher(shop.tenant, value="10", **rules)
    refused = await _checkout(client, shop, quantity=quantity, voucher=code)
    assert refused.status_code == 422, refused.text
    assert reason in refused.text and code in refused.text
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 0


async def test_a_voucher_for_some_products_discounts_only_their_lines(client):
    shop = await seeded_shop(5, price=100_000)
    other = await make_variant(shop.tenant, price=50_000, name="Topi")
    from app.domains.inventory import stock
    from app.domains.website import services
    from app.domains.website.shop import forget_cached_shops

    await stock.receive(shop.tenant, other["id"], shop.location_id, 3)
    await services.set_on_website(shop.tenant, [other["product"]], True)
    forget_cached_shops()
    _vid, code = await make_voucher(shop.tenant, value="50", products=str(other["product"]))
    body = buyer(lines=[{"variant_id": shop.variant["id"], "quantity": 1}, {"variant_id": other["id"], "quantity": 1}],
                 voucher=code)
    placed = await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)
    assert placed.status_code == 201, placed.text
    order = await Order.select().where(Order.platform_order_id == placed.json()["order_number"]).first()
    assert order["seller_discount"] == 25_000


async def test_two_codes_of_which_one_does_not_stack_are_refused(client):
    shop = await seeded_shop(5)
    _a, one = await make_voucher(shop.tenant, value="10")
    _b, two = await make_voucher(shop.tenant, value="5", stackable="on")
    refused = await _checkout(client, shop, vouchers=[two, one])
    assert refused.status_code == 422 and "tidak bisa digabung" in refused.text


async def test_per_customer_limit_counts_the_phone_number_however_it_is_typed(client):
    shop = await seeded_shop(5)
    _vid, code = await make_voucher(shop.tenant, value="10", per_customer_limit="1")
    assert (await _checkout(client, shop, phone="0812 5555 6666", voucher=code)).status_code == 201
    again = await _checkout(client, shop, phone="+62 812-5555-6666", voucher=code)
    assert again.status_code == 422 and "sudah memakai voucher ini" in again.text
    assert (await _checkout(client, shop, phone="0812 5555 7777", voucher=code)).status_code == 201


async def test_batch_codes_are_single_use_and_the_batch_prefix_itself_is_not_a_code(client):
    shop = await seeded_shop(5)
    voucher_id, prefix = await make_voucher(shop.tenant, kind="fixed", value="10000", batch_count="3")
    codes = [r["code"] for r in await VoucherCode.select(VoucherCode.code).where(VoucherCode.voucher == voucher_id)]
    assert len(set(codes)) == 3 and all(c.startswith(prefix + "-") for c in codes)
    assert (await _checkout(client, shop, voucher=prefix)).status_code == 422
    assert (await _checkout(client, shop, phone="0812 1000 0001", voucher=codes[0])).status_code == 201
    used = await _checkout(client, shop, phone="0812 1000 0002", voucher=codes[0])
    assert used.status_code == 422 and "sudah habis" in used.text
    assert (await _checkout(client, shop, phone="0812 1000 0003", voucher=codes[1])).status_code == 201


async def test_an_exhausted_voucher_is_refused_and_a_cancelled_order_gives_its_use_back(client):
    shop = await seeded_shop(5)
    voucher_id, code = await make_voucher(shop.tenant, value="10", total_limit="1")
    first = await _checkout(client, shop, phone="0812 2000 0001", voucher=code, payment_method="bank_transfer")
    assert first.status_code == 201
    refused = await _checkout(client, shop, phone="0812 2000 0002", voucher=code)
    assert refused.status_code == 422 and "sudah habis" in refused.text
    from app.domains.website.lifecycle import expire_due

    with clock_at(utcnow() + timedelta(hours=25)):
        assert await expire_due() >= 1
    assert await release_cancelled() >= 1
    assert await release_cancelled() == 0  # once only
    order = await Order.select().where(Order.platform_order_id == first.json()["order_number"]).first()
    assert order["state"] == "cancelled"
    assert (await Voucher.select(Voucher.used).where(Voucher.id == voucher_id).first())["used"] == 0
    assert (await _checkout(client, shop, phone="0812 2000 0002", voucher=code)).status_code == 201
