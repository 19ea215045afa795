"""Lazada end to end against the sandbox over real HTTP, through the same flows as Shopee and TikTok:
the "Connect Lazada" button as the browser posts it, the consent page and the callback; listings
imported and mapped by seller SKU; stock pushed; an order arriving by push and another by the
scheduled fetch; the shipment arranged in a job; Lazada's own label PDF downloaded."""

from __future__ import annotations

import io

from pypdf import PdfReader

from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.fulfillment import packing
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.fetch import fetch_store_orders
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store, WebhookEventRecord
from app.domains.stores.webhooks import process
from app.domains.sync.dispatch import push_changes
from app.domains.sync.listing_import import import_store_listings
from tests.inventory.factories import tenant_of
from tests.marketplace import APP_URL, approve, new_shop
from tests.support import post


async def test_the_connect_form_as_posted_sends_the_seller_to_lazadas_consent_page(owner_client, sandbox):
    page = await owner_client.get("/stores/")
    assert page.status_code == 200 and "Connect Lazada" in page.text
    response = await post(owner_client, "/stores/connect", {"platform": "lazada"})
    assert response.status_code == 303
    target = response.headers["location"]
    assert target.startswith(f"{sandbox_url(sandbox)}/lazada-auth/oauth/authorize?"), target
    assert f"redirect_uri={APP_URL.replace(':', '%3A').replace('/', '%2F')}%2Fstores%2Fcallback" in target
    refused = await post(owner_client, "/stores/connect", {"platform": ""})
    assert refused.status_code in (200, 400, 422) and "Choose Shopee, TikTok Shop or Lazada." in refused.text


def sandbox_url(_sandbox) -> str:
    from app.settings import get_settings

    return get_settings().lazada_authorize_url.rsplit("/lazada-auth/", 1)[0]


async def test_a_lazada_store_connects_syncs_takes_orders_ships_and_prints_lazadas_label(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    shop = new_shop(sandbox, "lazada", name="Toko Lazada Uji")
    consent = (await post(owner_client, "/stores/connect", {"platform": "lazada"})).headers["location"]
    back = await owner_client.get(await approve(consent, shop))
    assert back.status_code in (200, 303), back.text[:300]
    store = await Store.select().where((Store.platform == "lazada") & (Store.platform_shop_id == shop.shop_id) & (
        Store.organization == owner_client.account.org_id)).first()
    assert store is not None and store["status"] == "active" and store["name"] == "Toko Lazada Uji"
    listed = await owner_client.get("/stores/")
    assert "Toko Lazada Uji" in listed.text and "Lazada" in listed.text

    # Listings imported and mapped by seller SKU; stock pushed to Lazada.
    product = next(iter(shop.products.values()))
    sku = product.skus[0].seller_sku
    await create_product(tenant, ProductForm(name="Kopi Gayo", variants=[VariantForm(sku=sku, price=85_000)]))
    variant = (await variants_by_sku(tenant, [sku]))[sku.upper()]
    await import_store_listings(tenant, store["id"])
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 7)
    await push_changes(tenant)
    assert sandbox.listing_stock("lazada", shop.shop_id, product.product_id)[product.skus[0].sku_id] == 7

    # An order arrives by push: signed by the sandbox, posted to /webhooks/lazada, processed.
    sink = f"lazada-e2e-{shop.shop_id}"
    sandbox.set_callback("lazada", shop.shop_id, f"{sandbox_url(sandbox)}/_control/sink/{sink}")
    pushed_order = sandbox.create_order("lazada", shop.shop_id,
                                        lines=[(product.product_id, product.skus[0].sku_id, 2)])
    sandbox.dispatcher.wait_idle()
    [pushed] = sandbox.sink(sink)
    delivered = await owner_client.post("/webhooks/lazada", content=pushed["body"], headers=pushed["headers"])
    assert delivered.status_code == 200
    forged = await owner_client.post("/webhooks/lazada", content=pushed["body"].replace(b"pending", b"shipped"),
                                     headers=pushed["headers"])
    assert forged.status_code == 401
    event = await WebhookEventRecord.select().where((WebhookEventRecord.platform == "lazada") & (
        WebhookEventRecord.platform_shop_id == shop.shop_id)).first()
    outcome = await process(event["id"])
    assert "1 new" in outcome, outcome
    row = await Order.select().where((Order.store == store["id"]) & (
        Order.platform_order_id == pushed_order.order_id)).first()
    assert row["channel"] == "lazada" and row["state"] == "ready_to_ship" and row["stock_state"] == "reserved"
    await push_changes(tenant)
    assert sandbox.listing_stock("lazada", shop.shop_id, product.product_id)[product.skus[0].sku_id] == 5

    # Another order, no push: the scheduled fetch brings it, once.
    fetched_order = sandbox.create_order("lazada", shop.shop_id,
                                         lines=[(product.product_id, product.skus[0].sku_id, 1)], push=False)
    report = await fetch_store_orders(tenant, store["id"])
    assert report.created == 1
    assert (await fetch_store_orders(tenant, store["id"])).created == 0
    assert await Order.exists().where(Order.platform_order_id == fetched_order.order_id)

    # Packed, then "Arrange shipment": the job packs and sets ready-to-ship on Lazada.
    from app.domains.fulfillment.platform_actions import run_action
    from app.domains.fulfillment.tables import OrderAction

    for _ in range(2):
        await packing.scan_item(tenant, row["id"], variant["sku"])
    pressed = await post(owner_client, f"/fulfillment/orders/{row['id']}/ship", {}, htmx=True)
    assert pressed.status_code == 200, pressed.text[:500]
    for action in await OrderAction.select(OrderAction.id).where(
            (OrderAction.order == row["id"]) & (OrderAction.status == "pending")):
        await run_action(tenant, action["id"])
    placed = shop.orders[pushed_order.order_id]
    assert placed.status == "ready_to_ship"
    shipped = await Order.select().where(Order.id == row["id"]).first()
    assert shipped["state"] == "shipped" and shipped["tracking_number"] == placed.tracking_number
    assert shipped["tracking_number"].startswith("LXAD-")

    # Lazada's own label (GetDocument) as the PDF the warehouse prints.
    label = await owner_client.get(f"/fulfillment/orders/{row['id']}/label.pdf")
    assert label.status_code == 200 and label.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(label.content))
    assert placed.tracking_number in "".join(page.extract_text() for page in reader.pages)
