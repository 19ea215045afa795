"""Labels, packing slips and manifests as PDF, read back with pypdf: a marketplace order's label is
the platform's official document fetched from the sandbox over HTTP (refused, in the platform's
words, before the shipment is arranged); a manual order's label is StoreSync's own, on the paper
the organisation chose last; the courier manifest lists the day's waybills with a signature line."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.domains.fulfillment import shipping
from app.domains.fulfillment.tables import LabelSettings
from app.domains.orders.tables import Order
from app.domains.shipping.tables import ShippingOrigin
from app.domains.stores.tables import Store
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop
from tests.support import make_account, post


def _read(response) -> PdfReader:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return PdfReader(io.BytesIO(response.content))


def _size_mm(reader: PdfReader, page: int = 0) -> tuple[int, int]:
    box = reader.pages[page].mediabox
    return round(float(box.width) / mm), round(float(box.height) / mm)


async def _connected(client, sandbox, platform: str):
    shop = new_shop(sandbox, platform)
    await connect(client, shop)
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store["id"]


async def _marketplace_order(client, sandbox, platform: str, *, arranged: bool, shop=None, store_id=None):
    """A sandbox order (arranged there when asked) and its row in StoreSync."""
    if shop is None:
        shop, store_id = await _connected(client, sandbox, platform)
    placed = sandbox.create_order(platform, shop.shop_id, push=False)
    if arranged:
        placed.tracking_number = ("SPXID0" if platform == "shopee" else "JX") + sandbox.seed.digits(10)
        sandbox.set_order_status(platform, shop.shop_id, placed.order_id,
                                 "PROCESSED" if platform == "shopee" else "AWAITING_COLLECTION", push=False)
    row = Order(organization=client.account.org_id, store=store_id, channel=platform,
                platform_order_id=placed.order_id, state="packed", customer_name="Dewi Lestari")
    await row.save()
    return shop, store_id, placed, row.id


async def test_a_shopee_orders_label_is_shopees_own_pdf(owner_client, sandbox):
    sandbox.config.document_seconds = 0
    shop, _store, placed, order_id = await _marketplace_order(owner_client, sandbox, "shopee", arranged=True)
    sandbox.reset_calls()
    reader = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf"))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Shopee Xpress (sandbox)" in text and placed.tracking_number in text and placed.order_id in text
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/create_shipping_document")) == 1
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/download_shipping_document")) == 1


async def test_a_tiktok_orders_label_is_tiktoks_package_document(owner_client, sandbox):
    shop, _store, placed, order_id = await _marketplace_order(owner_client, sandbox, "tiktok", arranged=True)
    reader = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf"))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "TikTok Shop (sandbox)" in text and placed.tracking_number in text


async def test_a_label_before_the_shipment_is_arranged_is_refused_in_the_platforms_words(owner_client, sandbox):
    for platform, words in (("shopee", "arrange shipment first"), ("tiktok", "has not been shipped yet")):
        _shop, _store, _placed, order_id = await _marketplace_order(owner_client, sandbox, platform, arranged=False)
        refused = await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf")
        assert refused.status_code == 409 and "application/pdf" not in refused.headers["content-type"]
        assert "The marketplace did not give the label" in refused.text and words in refused.text


async def test_a_manual_orders_own_label_reads_its_waybill_and_recipient_on_the_chosen_paper(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(variant, 2)], customer="Rina Kusuma")
    await Order.update({Order.state: "packed"}).where(Order.id == order_id)
    await shipping.ship(tenant, order_id, carrier="JNE REG", tracking_number="JNE0012345678")

    thermal = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf"))
    assert len(thermal.pages) == 1 and _size_mm(thermal) == (100, 150)
    text = thermal.pages[0].extract_text()
    for expected in ("JNE0012345678", "Rina Kusuma", "Jl. Melati 5, Bandung", "JNE REG", owner_client.account.org_name,
                     "2 units"):
        assert expected in text, expected

    chosen = await post(owner_client, "/fulfillment/label-size", {"size": "a4"}, htmx=True)
    assert chosen.status_code == 200 and "Saved." in chosen.text
    a4 = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf"))
    assert _size_mm(a4) == (round(A4[0] / mm), round(A4[1] / mm)) and "JNE0012345678" in a4.pages[0].extract_text()
    once = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf?size=thermal"))
    assert _size_mm(once) == (100, 150), "a size in the link prints once on that paper"
    row = await LabelSettings.select().where(LabelSettings.organization == owner_client.account.org_id).first()
    assert row["label_size"] == "a4", "...without changing the organisation's choice"


async def test_an_own_label_names_the_sender_by_the_pickup_address_of_its_location(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(variant, 1)], customer="Rina Kusuma")
    await Order.update({Order.state: "packed"}).where(Order.id == order_id)
    await shipping.ship(tenant, order_id, carrier="JNE REG", tracking_number="JNE0099887766")
    placed = await Order.select(Order.location, Order.location.code.as_alias("code")).where(
        Order.id == order_id).first()

    before = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf")).pages[0].extract_text()
    assert placed["code"] in before and "Jl. Gudang Raya" not in before, "no address yet: the location's code"

    await ShippingOrigin(organization=owner_client.account.org_id, location=placed["location"],
                         contact_name="Budi Gudang", phone="0812555777", address="Jl. Gudang Raya 12, Bekasi",
                         postal_code="17111").save()
    text = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf")).pages[0].extract_text()
    flat = " ".join(text.split())
    for expected in ("Budi Gudang", "Jl. Gudang Raya 12, Bekasi", "17111", "0812555777",
                     owner_client.account.org_name, "Rina Kusuma"):
        assert expected in flat, expected


async def test_junk_label_sizes_are_refused_and_change_nothing(owner_client):
    await post(owner_client, "/fulfillment/label-size", {"size": "thermal"}, htmx=True)
    for junk in ({"size": ""}, {"size": "A5"}, {}, {"size": "a4'; drop"}):
        refused = await post(owner_client, "/fulfillment/label-size", junk, htmx=True)
        assert refused.status_code == 400 and "Choose the label paper" in refused.text
    row = await LabelSettings.select().where(LabelSettings.organization == owner_client.account.org_id).first()
    assert row["label_size"] == "thermal"
    form = await owner_client.get("/fulfillment/label-size", headers={"HX-Request": "true"})
    assert 'value="thermal" selected' in form.text
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    bad_link = await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf?size=huge")
    assert bad_link.status_code == 422 and "Choose the label paper" in bad_link.text


async def test_a_cancelled_order_has_no_label(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    await Order.update({Order.state: "cancelled"}).where(Order.id == order_id)
    refused = await owner_client.get(f"/fulfillment/orders/{order_id}/label.pdf")
    assert refused.status_code == 409 and "cancelled order has no shipping label" in refused.text


async def test_packing_slip_pdf_lists_the_items_to_pack(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant, name="Kemeja Batik Parang")
    order_id = await ready_order(tenant, [(variant, 3)], customer="Agus Salim")
    reader = _read(await owner_client.get(f"/fulfillment/orders/{order_id}/packing-slip.pdf"))
    text = reader.pages[0].extract_text()
    number = (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]
    for expected in ("Packing slip", number, "Agus Salim", variant["sku"], "Units"):
        assert expected in text, expected


async def test_manifest_pdf_lists_each_couriers_waybills_with_a_signature_line(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant)
    shipped = []
    for carrier, number in (("SiCepat REG", "SCP000111"), ("SiCepat REG", "SCP000222"), ("J&T EZ", "JT000333")):
        order_id = await ready_order(tenant, [(variant, 1)])
        await Order.update({Order.state: "packed"}).where(Order.id == order_id)
        await shipping.ship(tenant, order_id, carrier=carrier, tracking_number=number)
        shipped.append(number)
    one = _read(await owner_client.get("/fulfillment/manifest.pdf?carrier=SiCepat+REG"))
    text = "".join(page.extract_text() for page in one.pages)
    assert "Courier manifest: SiCepat REG" in text and "Parcels: 2" in text
    assert "SCP000111" in text and "SCP000222" in text and "JT000333" not in text
    assert "Received by the courier" in text
    every = _read(await owner_client.get("/fulfillment/manifest.pdf"))
    assert len(every.pages) == 2, "one manifest per courier"
    nobody = await owner_client.get("/fulfillment/manifest.pdf?carrier=AnterAja")
    assert nobody.status_code == 404
    junk = await owner_client.get("/fulfillment/manifest.pdf?day=yesterday")
    assert junk.status_code == 422 and "YYYY-MM-DD" in junk.text


async def test_order_page_and_packed_queue_offer_the_documents(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await ready_order(tenant, [(await stocked_variant(tenant), 1)])
    page = await owner_client.get(f"/orders/{order_id}")
    assert f"/fulfillment/orders/{order_id}/label.pdf" in page.text
    assert f"/fulfillment/orders/{order_id}/packing-slip.pdf" in page.text and 'hx-get="/fulfillment/label-size"' in page.text
    await Order.update({Order.state: "packed"}).where(Order.id == order_id)
    bench = await owner_client.get("/fulfillment/")
    assert f"/fulfillment/orders/{order_id}/label.pdf" in bench.text and "/fulfillment/manifest.pdf" in bench.text


async def test_packing_slips_of_the_ticked_orders_in_one_pdf(owner_client):
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant, units=20, name="Sarung Tenun Samarinda")
    ids = [await ready_order(tenant, [(variant, 1 + n)], customer=f"Pembeli {n}") for n in range(3)]
    await Order.update({Order.state: "cancelled"}).where(Order.id == ids[2])

    pressed = await post(owner_client, "/orders/bulk", {"action": "slips", "order_id": [str(i) for i in ids],
                                                        "back": "/orders"})
    assert pressed.status_code == 303, pressed.text[:300]
    assert pressed.headers["location"] == f"/fulfillment/packing-slips.pdf?ids={ids[0]},{ids[1]}"  # not the cancelled
    reader = _read(await owner_client.get(pressed.headers["location"]))
    assert len(reader.pages) == 2
    numbers = {r["id"]: r["platform_order_id"] for r in await Order.select(Order.id, Order.platform_order_id).where(
        Order.id.is_in(ids))}
    for page, order_id, customer in ((0, ids[0], "Pembeli 0"), (1, ids[1], "Pembeli 1")):
        text = reader.pages[page].extract_text()
        assert numbers[order_id] in text and customer in text and variant["sku"] in text

    # as a link is typed: junk or nothing is refused with the reason; another organisation's order is not found
    for junk in ("", "abc", ","):
        refused = await owner_client.get("/fulfillment/packing-slips.pdf", params={"ids": junk})
        assert refused.status_code in (400, 422) and "application/pdf" not in refused.headers["content-type"], junk
    other = await make_account()
    foreign = await ready_order(tenant_of(other), [(await stocked_variant(tenant_of(other)), 1)])
    assert (await owner_client.get("/fulfillment/packing-slips.pdf", params={"ids": str(foreign)})).status_code == 404


async def test_the_printable_slip_never_breaks_a_sku_at_its_hyphen(owner_client):
    """On the label page's packing slip the SKU column wrapped 'KBP-' / '0104' on a tablet."""
    tenant = tenant_of(owner_client.account)
    variant = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(variant, 1)], customer="Rina Kusuma")
    page = await owner_client.get(f"/fulfillment/orders/{order_id}/label")
    assert "-" in variant["sku"] and page.status_code == 200
    assert f'<td class="mono"><span class="nowrap">{variant["sku"]}</span></td>' in page.text
