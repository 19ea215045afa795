"""A voucher restricted to a saved segment: the form's select (empty: everyone), and the checkout
that accepts a customer of the segment (by phone or e-mail) and refuses anyone else with the reason."""

from __future__ import annotations

from app.core.clock import utcnow
from app.domains.marketing import segments
from app.domains.marketing.schemas import SegmentForm
from app.domains.marketing.tables import Voucher
from app.domains.orders.tables import Order
from tests.inventory.factories import make_tenant, tenant_of
from tests.marketing.factories import make_voucher, voucher_form
from tests.support import post
from tests.website.factories import buyer, seeded_shop

SEGMENT_BLANK = {"name": "", "channel": "", "city": "", "min_spend": "", "max_spend": "", "min_orders": "",
                 "max_orders": "", "ordered_within_days": "", "not_ordered_for_days": "", "product": "", "tier": "",
                 "rfm": ""}


async def _segment(tenant, name="Pembeli website", **filters: str) -> int:
    return await segments.save_segment(tenant, SegmentForm.parse({**SEGMENT_BLANK, "name": name, **filters}))


async def test_the_voucher_form_saves_a_segment_and_the_empty_choice_means_everyone(owner_client):
    tenant = tenant_of(owner_client.account)
    segment_id = await _segment(tenant)
    page = await owner_client.get("/marketing/vouchers/new")
    assert 'name="segment"' in page.text and "Pembeli website" in page.text
    created = await post(owner_client, "/marketing/vouchers", voucher_form(code="KHUSUS", value="10",
                                                                           segment=str(segment_id)))
    assert created.status_code in (302, 303), created.text[-2000:]
    row = await Voucher.select().where(Voucher.organization == tenant.organization_id).first()
    assert row["segment"] == segment_id
    shown = await owner_client.get(f"/marketing/vouchers/{row['id']}")
    assert f'<option value="{segment_id}" selected' in shown.text
    everyone = await post(owner_client, f"/marketing/vouchers/{row['id']}", voucher_form(code="KHUSUS", value="10"))
    assert everyone.status_code in (302, 303)
    assert (await Voucher.select(Voucher.segment).where(Voucher.id == row["id"]).first())["segment"] is None
    # another organisation's segment, or junk, is refused and saves nothing
    foreign = await _segment(await make_tenant(), name="Asing")
    for value, text in ((str(foreign), "segment"), ("abc", "not valid")):
        refused = await post(owner_client, f"/marketing/vouchers/{row['id']}",
                             voucher_form(code="KHUSUS", value="10", segment=value))
        assert refused.status_code == 422 and text in refused.text, (value, refused.text[-2000:])
    assert (await Voucher.select(Voucher.segment).where(Voucher.id == row["id"]).first())["segment"] is None


async def _checkout(client, shop, phone, email="", **changes):
    body = buyer(phone, lines=[{"variant_id": shop.variant["id"], "quantity": 1}], **changes)
    body["buyer"]["email"] = email
    return await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)


async def test_a_segment_voucher_takes_its_customers_by_phone_or_email_and_refuses_others(client):
    shop = await seeded_shop(10, price=100_000)
    # customers of the segment: whoever ordered on the website before
    assert (await _checkout(client, shop, "0812 3333 0001")).status_code == 201
    await Order.insert(Order(organization=shop.tenant.organization_id, channel="website", platform_order_id="W-EMAIL-1",
                             state="completed", customer_phone="", customer_email="rina@contoh.id", total=50_000,
                             subtotal=50_000, placed_at=utcnow()))  # a customer known by e-mail only
    segment_id = await _segment(shop.tenant, channel="website")
    _vid, code = await make_voucher(shop.tenant, value="10", segment=str(segment_id))
    refused = await _checkout(client, shop, "0812 9999 0009", voucher=code)
    assert refused.status_code == 422, refused.text
    assert code in refused.text and "pelanggan tertentu" in refused.text
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 2
    member = await _checkout(client, shop, "+62 812-3333-0001", voucher=code)  # typed differently: same customer
    assert member.status_code == 201, member.text
    order = await Order.select().where(Order.platform_order_id == member.json()["order_number"]).first()
    assert order["seller_discount"] == 10_000
    # matched by the e-mail address too, from a new phone number
    by_email = await _checkout(client, shop, "0812 4444 0004", email="Rina@Contoh.id", voucher=code)
    assert by_email.status_code == 201, by_email.text
    # a segment deleted from under the voucher lets nobody in
    from app.domains.marketing.tables import Segment

    await Segment.delete().where(Segment.id == segment_id)
    gone = await _checkout(client, shop, "0812 3333 0001", voucher=code)
    assert gone.status_code == 422 and "pelanggan tertentu" in gone.text
