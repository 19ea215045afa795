"""The seller's voucher pages, posted the way a browser posts them; a voucher on a manual order;
the buyer's Apply button at the checkout (htmx and without JavaScript)."""

from __future__ import annotations

from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.marketing.tables import Voucher, VoucherCode
from app.domains.orders import services as order_services
from app.domains.orders.tables import Order
from tests.inventory.factories import make_variant, tenant_of
from tests.marketing.factories import make_voucher, voucher_form
from tests.support import add_member, csrf_token, http_client, login, post
from tests.website.factories import VILLAGE, seeded_shop


async def test_create_edit_and_read_a_voucher_from_its_form(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    page = await owner_client.get("/marketing/vouchers/new")
    assert page.status_code == 200 and 'name="code"' in page.text
    created = await post(owner_client, "/marketing/vouchers", {
        **voucher_form(code="lebaran-25", name="Lebaran", value="25", max_discount="50.000", min_spend="100000",
                       starts_at="2026-03-01T00:00", ends_at="2026-04-01T00:00", total_limit="100",
                       per_customer_limit="1"), "products": str(variant["product"])})
    assert created.status_code in (302, 303), created.text[:1500]
    row = await Voucher.select().where(Voucher.organization == tenant.organization_id).first()
    assert (row["code"], row["value"], row["max_discount"], row["min_spend"]) == ("LEBARAN-25", 25, 50_000, 100_000)
    assert row["product_ids"] in ([variant["product"]], f"[{variant['product']}]")
    assert row["starts_at"].hour == 17  # midnight in Jakarta is 17:00 UTC the day before
    shown = await owner_client.get(f"/marketing/vouchers/{row['id']}")
    assert 'value="LEBARAN-25"' in shown.text and 'value="2026-03-01T00:00"' in shown.text
    # edited: the box unticked (absent) pauses it; the limit emptied means unlimited
    saved = await post(owner_client, f"/marketing/vouchers/{row['id']}", voucher_form(
        code="LEBARAN-25", value="30", total_limit="", active=None))
    assert saved.status_code in (302, 303)
    row = await Voucher.select().where(Voucher.id == row["id"]).first()
    assert (row["value"], row["total_limit"], row["active"]) == (30, None, False)
    listed = await owner_client.get("/marketing/")
    assert "LEBARAN-25" in listed.text
    # every part of marketing is reachable from its first page (campaigns were only reachable by URL)
    for part in ("/marketing/loyalty", "/marketing/segments/", "/marketing/campaigns/"):
        assert f'href="{part}"' in listed.text, part


async def test_bad_voucher_input_is_named_and_saves_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    for data, field_text in (
            (voucher_form(code="x"), "3 to 40 letters"),
            (voucher_form(value="150"), "between 1 and 100"),
            (voucher_form(kind="fixed", value="abc"), "rupiah"),
            (voucher_form(starts_at="2026-05-01T00:00", ends_at="2026-04-01T00:00", value="5"), "after the start"),
            (voucher_form(value="5", total_limit="-1"), "Total uses"),
            (voucher_form(value="5", kind="bogus"), "listed options"),
            ({**voucher_form(value="5"), "products": "999999999"}, "Choose products"),
            ({**voucher_form(value="5"), "products": "junk"}, "not valid")):
        refused = await post(owner_client, "/marketing/vouchers", data)
        assert refused.status_code == 422, (data, refused.status_code)
        assert field_text in refused.text, (field_text, refused.text[-3000:])
    _vid, code = await make_voucher(tenant, value="5")
    taken = await post(owner_client, "/marketing/vouchers", voucher_form(code=code, value="5"))
    assert taken.status_code == 422 and "already uses this code" in taken.text
    assert await Voucher.count().where(Voucher.organization == tenant.organization_id) == 1


async def test_a_viewer_cannot_create_vouchers(app, owner):
    viewer = await add_member(owner.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        refused = await post(client, "/marketing/vouchers", voucher_form(value="5"))
        assert refused.status_code == 403
    assert await Voucher.count().where(Voucher.organization == owner.org_id) == 0


async def test_single_use_codes_made_from_the_page(owner_client):
    tenant = tenant_of(owner_client.account)
    voucher_id, _code = await make_voucher(tenant, value="5")
    bad = await post(owner_client, f"/marketing/vouchers/{voucher_id}/codes", {"count": "lots"})
    assert bad.status_code in (302, 303) and await VoucherCode.count().where(VoucherCode.voucher == voucher_id) == 0
    made = await post(owner_client, f"/marketing/vouchers/{voucher_id}/codes", {"count": "4"})
    assert made.status_code in (302, 303)
    assert await VoucherCode.count().where(VoucherCode.voucher == voucher_id) == 4
    page = await owner_client.get(f"/marketing/vouchers/{voucher_id}")
    assert page.text.count("<code>") == 4


async def test_a_voucher_on_a_manual_order_lowers_its_total_once(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant, price=200_000)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 5)
    order_id = await order_services.create_manual_order(tenant, customer_name="Budi", phone="0812 9999 0000",
                                                        address="Jl. Kenanga 1", lines=[(variant["sku"], 1)],
                                                        shipping_fee="10.000")
    number = (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]
    _vid, code = await make_voucher(tenant, kind="fixed", value="25.000")
    missing = await post(owner_client, "/marketing/apply", {"order_number": "M-99999", "code": code})
    assert missing.status_code == 404
    wrong = await post(owner_client, "/marketing/apply", {"order_number": number, "code": "NOPE123"})
    assert wrong.status_code == 422 and "does not exist" in wrong.text
    applied = await post(owner_client, "/marketing/apply", {"order_number": number, "code": code.lower()})
    assert applied.status_code in (302, 303), applied.text[-2000:]
    order = await Order.select().where(Order.id == order_id).first()
    assert (order["seller_discount"], order["total"]) == (25_000, 200_000 + 10_000 - 25_000)
    again = await post(owner_client, "/marketing/apply", {"order_number": number, "code": code})
    assert again.status_code == 409
    assert (await Order.select(Order.total).where(Order.id == order_id).first())["total"] == 185_000
    listed = await owner_client.get("/marketing/")
    assert "Rp 185.000" in listed.text and "Rp 25.000" in listed.text


async def _cart_with_one_item(client, shop) -> str:
    await client.get(f"/shop/{shop.slug}/")
    token = csrf_token(client)
    added = await client.post(f"/shop/{shop.slug}/cart/add", headers={"x-csrftoken": token}, data={
        "product_id": str(shop.variant["product"]), "variant_id": str(shop.variant["id"]), "quantity": "2"})
    assert added.status_code == 303
    return token


CHECKOUT = {"name": "Siti Aminah", "phone": "0812 3333 4444", "email": "", "line": "Jl. Melati 5 RT 1",
            "province": "32", "regency": "32.01", "district": "32.01.01", "village": VILLAGE, "shipping": "seller",
            "payment_method": "cod"}


async def test_the_buyer_sees_the_discount_before_paying_and_the_order_keeps_it(client):
    shop = await seeded_shop(5, price=100_000)
    _vid, code = await make_voucher(shop.tenant, value="10")
    _f, ship = await make_voucher(shop.tenant, kind="free_shipping", value="50000", ends_at="2020-01-01T00:00")
    token = await _cart_with_one_item(client, shop)
    page = await client.get(f"/shop/{shop.slug}/checkout")
    assert 'name="voucher"' in page.text
    htmx = await client.post(f"/shop/{shop.slug}/checkout/preview", headers={"x-csrftoken": token, "HX-Request": "true"},
                             data={**CHECKOUT, "voucher": code.lower()})
    assert htmx.status_code == 200 and htmx.text.lstrip().startswith("{#") is False
    assert 'id="discount"' in htmx.text and "<html" not in htmx.text
    assert "−Rp 20.000" in htmx.text and "Rp 195.000" in htmx.text  # 200.000 + 15.000 shipping - 20.000
    expired = await client.post(f"/shop/{shop.slug}/checkout/preview", headers={"x-csrftoken": token},
                                data={**CHECKOUT, "voucher": ship})
    assert expired.status_code == 200 and "<html" in expired.text and "kedaluwarsa" in expired.text.lower()
    assert 'value="Siti Aminah"' in expired.text  # without JS the whole page comes back, as typed
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token},
                               data={**CHECKOUT, "voucher": code})
    assert placed.status_code == 303, placed.text[-2000:]
    status = await client.get(placed.headers["location"])
    assert "−Rp 20.000" in status.text and "Rp 195.000" in status.text


async def test_a_refused_code_at_the_form_checkout_keeps_the_cart_and_says_why(client):
    shop = await seeded_shop(5, price=100_000)
    _vid, code = await make_voucher(shop.tenant, value="10", min_spend="500.000")
    token = await _cart_with_one_item(client, shop)
    refused = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token},
                                data={**CHECKOUT, "voucher": code})
    assert refused.status_code == 422 and "Rp 500.000" in refused.text
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 0
