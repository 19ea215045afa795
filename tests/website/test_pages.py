"""The HTML shop as a phone browser uses it, and the seller's Website page."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import urlencode

from app.domains.orders.tables import Order
from app.domains.website import services
from app.domains.website.lifecycle import payment_settled
from app.domains.website.tables import WebsiteSettings
from tests.support import csrf_token, post
from tests.website.factories import VILLAGE, form, seeded_shop


async def test_browse_product_cart_checkout_and_status_page(client):
    shop = await seeded_shop(2, price=150_000, name="Kemeja Batik")
    home = await client.get(f"/shop/{shop.slug}/")
    assert home.status_code == 200 and "Kemeja Batik" in home.text and "Rp 150.000" in home.text
    assert "Sisa 2" in home.text  # the stock hint, in Indonesian by default
    assert f'rel="canonical" href="http://testserver.local/shop/{shop.slug}/"' in home.text
    page = await client.get(f"/shop/{shop.slug}/p/{shop.variant['product']}")
    assert '"@type": "Product"' in page.text and 'property="og:title"' in page.text
    token = csrf_token(client)
    added = await client.post(f"/shop/{shop.slug}/cart/add", headers={"x-csrftoken": token},
                              data={"product_id": str(shop.variant["product"]), "variant_id": str(shop.variant["id"]),
                                    "quantity": "1"})
    assert added.status_code == 303
    cart = await client.get(f"/shop/{shop.slug}/cart")
    assert "Kemeja Batik" in cart.text and "Rp 150.000" in cart.text
    regions = await client.get(f"/shop/{shop.slug}/regions", params={"province": "32", "regency": "32.01",
                                                                     "district": "32.01.01", "village": VILLAGE})
    assert 'value="16914"' in regions.text and "Pondok Rajeg" in regions.text
    bad = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token}, data={
        "name": "Siti", "phone": "123", "email": "", "line": "Jl. Melati 5", "province": "32", "regency": "32.01",
        "district": "32.01.01", "village": "", "shipping": "seller", "payment_method": "cod"})
    assert bad.status_code == 422 and "WhatsApp" in bad.text
    assert await Order.count().where(Order.organization == shop.tenant.organization_id) == 0
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token}, data={
        "name": "Siti Aminah", "phone": "0812 3333 4444", "email": "siti@contoh.id", "line": "Jl. Melati 5 RT 1",
        "province": "32", "regency": "32.01", "district": "32.01.01", "village": VILLAGE, "shipping": "seller",
        "payment_method": "bank_transfer"})
    assert placed.status_code == 303, placed.text[:2000]
    status = await client.get(placed.headers["location"])
    assert status.status_code == 200 and "Menunggu pembayaran" in status.text
    assert re.search(r"https://wa\.me/6281234567890\?text=", status.text)
    # the unique code is its own line, and the total is what to transfer, to the rupiah
    code = re.search(r"Kode unik transfer <span>Rp (\d+)</span>", status.text)
    assert code and 0 < int(code.group(1)) < 1000, status.text[-3000:]
    due = re.search(r'<strong class="big">(Rp [\d.]+)</strong>', status.text).group(1)
    assert due.endswith(code.group(1).rjust(3, "0")) and f'class="total">Total <span>{due}</span>' in status.text
    assert status.headers["referrer-policy"] == "no-referrer"


async def test_english_on_request_and_sitemap_robots(client):
    shop = await seeded_shop(0)
    home = await client.get(f"/shop/{shop.slug}/?lang=en")
    assert "Sold out" in home.text and client.cookies.get("shop_lang") == "en"
    sitemap = await client.get(f"/shop/{shop.slug}/sitemap.xml")
    assert f"/shop/{shop.slug}/p/{shop.variant['product']}</loc>" in sitemap.text
    robots = await client.get(f"/shop/{shop.slug}/robots.txt")
    assert "Disallow: /shop/" in robots.text and "Sitemap:" in robots.text


async def test_the_sellers_own_domain_serves_the_shop(client):
    shop = await seeded_shop(1, domain="toko-uji-domain.id", name="Topi Rajut")
    home = await client.get("/", headers={"Host": "toko-uji-domain.id"})
    assert home.status_code == 200 and "Topi Rajut" in home.text
    assert 'href="http://toko-uji-domain.id/"' in home.text  # canonical on the seller's domain
    product = await client.get(f"/p/{shop.variant['product']}", headers={"Host": "toko-uji-domain.id"})
    assert product.status_code == 200


async def test_seller_saves_settings_as_the_browser_submits_them(owner_client):
    data = form("toko-pemilik", preferred_for_last_units=None, enabled=None, shipping_mode="province",
                province_rates="Jawa Barat: 12000\n31: 9000")
    saved = await post(owner_client, "/website/", data)
    assert saved.status_code == 303
    row = await WebsiteSettings.select().where(WebsiteSettings.organization == owner_client.account.org_id).output(
        load_json=True).first()
    assert row["slug"] == "toko-pemilik" and row["enabled"] is False and row["province_rates"] == {"32": 12000, "31": 9000}
    bad = await post(owner_client, "/website/", form("X!", whatsapp="abc", hold_hours="0", primary_colour="red"))
    assert bad.status_code == 422
    for words in ("lower-case letters", "WhatsApp number", "1 to 168 hours", "#0f766e"):
        assert words in bad.text
    again = await WebsiteSettings.select().where(WebsiteSettings.organization == owner_client.account.org_id).first()
    assert again["slug"] == "toko-pemilik"  # nothing changed
    audit = await owner_client.get("/audit")  # the change in people's words (the raw record aside)
    assert "Shipping" in audit.text and "A rate per province (others pay the flat rate)" in audit.text


async def test_seller_puts_products_on_the_website_in_bulk_and_sets_a_website_price(owner_client, client):
    from tests.inventory.factories import make_variant, tenant_of

    tenant = tenant_of(owner_client.account)
    a, b = await make_variant(tenant, name="Sandal"), await make_variant(tenant, name="Sepatu", price=300_000)
    await post(owner_client, "/website/", form("toko-bulk-" + str(tenant.organization_id)))
    form_data = [("product", str(a["product"])), ("product", str(b["product"])), ("action", "add")]
    response = await owner_client.post("/website/products", content=urlencode(form_data),  # the product box twice
                                       headers={"x-csrftoken": csrf_token(owner_client),
                                                "content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303
    assert {p.id for p in await services.website_products(tenant) if p.on_website} == {a["product"], b["product"]}
    assert (await post(owner_client, f"/website/prices/{b['id']}", {"price": "275.000"})).status_code == 303
    slug = "toko-bulk-" + str(tenant.organization_id)
    detail = (await client.get(f"/api/storefront/{slug}/products/{b['product']}")).json()
    assert detail["variants"][0]["price"] == 275_000
    page = await owner_client.get("/website/")
    assert page.status_code == 200 and "Sepatu" in page.text


async def test_a_settled_payment_moves_an_unpaid_order_and_flags_one_already_cancelled(client):
    shop = await seeded_shop(3)
    body = {"lines": [{"variant_id": shop.variant["id"], "quantity": 1}], "payment_method": "bank_transfer",
            "buyer": {"name": "Budi", "phone": "081299998888"},
            "address": {"line": "Jl. Kenanga 2", "village_code": VILLAGE}}
    placed = (await client.post(f"/api/storefront/{shop.slug}/checkout", json=body)).json()
    order = await Order.select().where(Order.platform_order_id == placed["order_number"]).first()
    await payment_settled(SimpleNamespace(org_id=shop.tenant.organization_id, order_id=order["id"], payment_id=1,
                                          amount=placed["amount_due"], method="bank_transfer"))
    after = await Order.select(Order.state, Order.stock_state).where(Order.id == order["id"]).first()
    assert after == {"state": "ready_to_ship", "stock_state": "reserved"}


async def test_the_demo_shop_has_products_and_orders_in_each_payment_state(client):
    from app.demo import seed_demo
    from app.domains.website.shop import forget_cached_shops

    seeded = await seed_demo()
    await seed_demo()  # idempotent
    forget_cached_shops()
    home = await client.get("/shop/toko-demo/")
    assert home.status_code == 200 and "Toko Demo" in home.text and 'class="card"' in home.text
    orders = await Order.select(Order.state).where((Order.organization == seeded["organization_id"])
                                                   & (Order.channel == "website"))
    assert {"ready_to_ship", "unpaid", "cancelled"} <= {o["state"] for o in orders}


async def test_a_reused_product_page_carries_each_visitors_own_csrf_token(app):
    from tests.support import http_client

    shop = await seeded_shop(5, name="Tas Anyaman")
    url = f"/shop/{shop.slug}/p/{shop.variant['product']}"
    tokens = []
    async with http_client(app) as first, http_client(app) as second:
        for visitor in (first, second):
            page = await visitor.get(url)
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
            assert "__csrf" not in page.text and "Tas Anyaman" in page.text
            tokens.append(token)
            added = await visitor.post(f"/shop/{shop.slug}/cart/add", data={
                "_csrf_token": token, "product_id": str(shop.variant["product"]), "variant_id": str(shop.variant["id"]),
                "quantity": "1"})
            assert added.status_code == 303, added.text[:300]
    assert tokens[0] != tokens[1]


async def test_the_cart_page_updates_and_removes_lines_as_the_form_submits_them(client):
    shop = await seeded_shop(4, price=50_000, name="Gelang Manik")
    await client.get(f"/shop/{shop.slug}/")
    token = csrf_token(client)
    vid = str(shop.variant["id"])
    await client.post(f"/shop/{shop.slug}/cart/add", headers={"x-csrftoken": token},
                      data={"product_id": str(shop.variant["product"]), "variant_id": vid, "quantity": "2"})
    updated = await client.post(f"/shop/{shop.slug}/cart/{vid}", headers={"x-csrftoken": token}, data={"quantity": "3"})
    assert updated.status_code == 303
    assert "Rp 150.000" in (await client.get(f"/shop/{shop.slug}/cart")).text
    too_many = await client.post(f"/shop/{shop.slug}/cart/{vid}", headers={"x-csrftoken": token}, data={"quantity": "9"})
    assert too_many.status_code == 422 and "tinggal 4" in too_many.text and "Rp 150.000" in too_many.text
    empty = await client.post(f"/shop/{shop.slug}/cart/{vid}", headers={"x-csrftoken": token},
                              data={"quantity": "", "remove": "1"})
    assert empty.status_code == 303
    assert "Keranjang Anda kosong." in (await client.get(f"/shop/{shop.slug}/cart")).text
    blank = await client.post(f"/shop/{shop.slug}/cart/{vid}", headers={"x-csrftoken": token}, data={"quantity": ""})
    assert blank.status_code == 422  # an empty quantity is refused, not taken as zero


async def test_choosing_a_variant_shows_its_price_and_stock(client):
    from app.domains.catalog.schemas import ProductForm, VariantForm
    from app.domains.catalog.services import create_product, get_product
    from app.domains.inventory import stock
    from app.domains.website.shop import forget_cached_shops

    shop = await seeded_shop(1)
    product_id = await create_product(shop.tenant, ProductForm(name="Kaos Dua Warna", brand="", category="Kaos", variants=[
        VariantForm(sku=f"KDW-M-{shop.slug}"[:60], price=90_000, attributes={"warna": "Merah"}),
        VariantForm(sku=f"KDW-H-{shop.slug}"[:60], price=95_000, attributes={"warna": "Hitam"})]))
    _product, variants = await get_product(shop.tenant, product_id)
    await stock.receive(shop.tenant, variants[1]["id"], shop.location_id, 9)
    await services.set_on_website(shop.tenant, [product_id], True)
    forget_cached_shops()
    first = await client.get(f"/shop/{shop.slug}/p/{product_id}")
    assert 'class="price big">Rp 95.000' in first.text  # the first variant in stock is chosen
    red = await client.get(f"/shop/{shop.slug}/p/{product_id}", params={"variant": variants[0]["id"]})
    assert 'class="price big">Rp 90.000' in red.text and "Stok habis" in red.text
    assert f'hx-get="/shop/{shop.slug}/p/{product_id}?variant={variants[1]["id"]}"' in red.text


async def test_back_from_the_gateway_saying_paid_the_status_page_waits_for_the_notification(client):
    from app.domains.website.tables import WebsiteOrder

    shop = await seeded_shop(3)
    await client.get(f"/shop/{shop.slug}/")
    token = csrf_token(client)
    await client.post(f"/shop/{shop.slug}/cart/add", headers={"x-csrftoken": token}, data={
        "product_id": str(shop.variant["product"]), "variant_id": str(shop.variant["id"]), "quantity": "1"})
    placed = await client.post(f"/shop/{shop.slug}/checkout", headers={"x-csrftoken": token}, data={
        "name": "Siti Aminah", "phone": "0812 3333 5555", "email": "", "line": "Jl. Melati 5 RT 1",
        "province": "32", "regency": "32.01", "district": "32.01.01", "village": VILLAGE, "shipping": "seller",
        "payment_method": "bank_transfer"})
    assert placed.status_code == 303, placed.text[:2000]
    status_url = placed.headers["location"]
    order = await WebsiteOrder.select(WebsiteOrder.id).order_by(WebsiteOrder.id, ascending=False).first()
    # paid through Midtrans: the buyer comes back before the gateway's notification does
    await WebsiteOrder.update({WebsiteOrder.payment_method: "midtrans"}).where(WebsiteOrder.id == order["id"])
    back = await client.get(status_url, params={"order_id": "W-1", "transaction_status": "settlement"})
    assert back.status_code == 200 and "Menunggu pembayaran" in back.text
    assert 'http-equiv="refresh"' in back.text and "sedang memastikan pembayaran Anda" in back.text
    # denied, or simply opening the link again: no reloading, no "confirming"
    denied = await client.get(status_url, params={"order_id": "W-1", "transaction_status": "deny"})
    plain = await client.get(status_url)
    for page in (denied, plain):
        assert 'http-equiv="refresh"' not in page.text and "sedang memastikan" not in page.text
