"""The purchasing pages, and their forms posted exactly as the browser sends them: every field,
empty values included; bad input gets its sentence and changes nothing."""

from __future__ import annotations

import pytest

from app.domains.catalog.costs import unit_costs
from app.domains.inventory.tables import StockLevel
from app.domains.purchasing.tables import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierItem
from tests.inventory.factories import make_variant, tenant_of
from tests.purchasing.factories import make_order, make_supplier
from tests.support import post

SUPPLIER_FORM = {"name": "CV Maju Jaya", "contact_name": "Bu Sari", "phone": "0812 3456 7890", "email": "",
                 "lead_time_days": "10", "payment_terms": "30 hari", "note": ""}


async def test_pages_render_in_both_languages(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    supplier = await make_supplier(tenant, items={v["sku"]: 12_000})
    order_id = await make_order(tenant, supplier, {v["sku"]: (5, 12_000)})
    for url, words in [("/purchasing/", "Purchase orders"), ("/purchasing/suppliers/", "Suppliers"),
                       (f"/purchasing/suppliers/{supplier}", v["sku"]), (f"/purchasing/orders/{order_id}", "Ordered"),
                       (f"/purchasing/orders/{order_id}/receive/", "Scan a barcode"),
                       ("/purchasing/reorder/", "Days of cover"), ("/purchasing/incoming/", v["sku"]),
                       (f"/products/{v['product']}", "Unit cost")]:
        page = await owner_client.get(url)
        assert page.status_code == 200, url
        assert words in page.text, url
    assert "https://wa.me/6281234567890?text=" in (await owner_client.get(f"/purchasing/orders/{order_id}")).text
    pdf = await owner_client.get(f"/purchasing/orders/{order_id}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 1000
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = await owner_client.get(f"/purchasing/orders/{order_id}")
    assert "Dipesan" in page.text and "Terima barang" in page.text  # the state and the action, in Indonesian
    assert "Pesanan pembelian" in (await owner_client.get("/purchasing/")).text


async def test_the_pdf_and_the_whatsapp_message_speak_indonesian_and_agree_on_the_total(owner_client):
    """The PDF's title is translated (it was a gettext call inside an f-string, which the catalog
    never saw) and the chat message's total includes the freight like the PDF's."""
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    supplier = await make_supplier(tenant, items={v["sku"]: 12_000})
    order_id = await make_order(tenant, supplier, {v["sku"]: (5, 12_000)}, place=False)
    await post(owner_client, f"/purchasing/orders/{order_id}/costs",
               {"freight": "50.000", "other_costs": "", "allocation": "value", "currency": "IDR"})
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    pdf = await owner_client.get(f"/purchasing/orders/{order_id}/pdf")
    assert b"/Title (Pesanan pembelian PO-" in pdf.content
    page = (await owner_client.get(f"/purchasing/orders/{order_id}")).text
    assert "Ongkos%20kirim%3A%20Rp%2050.000" in page and "Total%3A%20Rp%20110.000" in page


async def test_a_supplier_as_the_browser_posts_it(owner_client):
    made = await post(owner_client, "/purchasing/suppliers/", SUPPLIER_FORM)
    assert made.status_code in (302, 303), made.text[:300]
    row = await Supplier.select().where(Supplier.organization == owner_client.account.org_id).first()
    assert (row["name"], row["phone"], row["lead_time_days"]) == ("CV Maju Jaya", "+6281234567890", 10)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Supplier name is required."),
    ("lead_time_days", "-1", "Lead time is a whole number of days from 0 to 365."),
    ("lead_time_days", "2.5", "Lead time is a whole number of days from 0 to 365."),
    ("lead_time_days", "", "Lead time is a whole number of days from 0 to 365."),
    ("phone", "12ab", "Type the phone number with its digits"),
])
async def test_a_bad_supplier_field_is_refused_and_nothing_is_saved(owner_client, field, value, message):
    refused = await post(owner_client, "/purchasing/suppliers/", {**SUPPLIER_FORM, field: value})
    assert refused.status_code == 422 and message in refused.text
    assert await Supplier.count().where(Supplier.organization == owner_client.account.org_id) == 0


async def test_supplier_items_and_po_lines_as_posted(owner_client):
    tenant = tenant_of(owner_client.account)
    v, other = await make_variant(tenant), await make_variant(tenant)
    supplier = await make_supplier(tenant)
    assert (await post(owner_client, f"/purchasing/suppliers/{supplier}/items",
                       {"code": v["sku"], "price": "Rp 12.500", "supplier_sku": ""})).status_code in (302, 303)
    bad = await post(owner_client, f"/purchasing/suppliers/{supplier}/items",
                     {"code": v["sku"], "price": "-3", "supplier_sku": ""})
    assert bad.status_code == 422 and "whole rupiah" in bad.text
    assert [r["price"] for r in await SupplierItem.select().where(SupplierItem.supplier == supplier)] == [12_500]

    made = await post(owner_client, "/purchasing/orders", {"supplier_id": str(supplier), "location_id": ""})
    order_id = int(made.headers["location"].rsplit("/", 1)[-1])
    for data, status in [({"code": v["sku"], "quantity": "4", "unit_price": ""}, 303),
                         ({"code": other["sku"], "quantity": "1", "unit_price": "900"}, 303),
                         ({"code": v["sku"], "quantity": "-1", "unit_price": ""}, 422),
                         ({"code": v["sku"], "quantity": "", "unit_price": ""}, 422),
                         ({"code": "", "quantity": "1", "unit_price": ""}, 422),
                         ({"code": v["sku"], "quantity": "1", "unit_price": "-5"}, 422)]:
        response = await post(owner_client, f"/purchasing/orders/{order_id}/lines", data)
        assert response.status_code in ((302, 303) if status == 303 else (422,)), (data, response.text[:300])
    page = await owner_client.get(f"/purchasing/orders/{order_id}")
    assert "not listed" in page.text  # the SKU the supplier does not carry carries its warning
    lines = {r["variant"]: (r["quantity"], r["unit_price"]) for r in await PurchaseOrderLine.select().where(
        PurchaseOrderLine.purchase_order == order_id)}
    assert lines == {v["id"]: (4, 12_500), other["id"]: (1, 900)}

    usd = await post(owner_client, f"/purchasing/orders/{order_id}/costs",
                     {"freight": "10000", "other_costs": "", "allocation": "weight", "currency": "usd"})
    assert usd.status_code == 422 and "rupiah (IDR) only" in usd.text
    negative = await post(owner_client, f"/purchasing/orders/{order_id}/costs",
                          {"freight": "-10", "other_costs": "0", "allocation": "value", "currency": "IDR"})
    assert negative.status_code == 422
    order = await PurchaseOrder.select().where(PurchaseOrder.id == order_id).first()
    assert (order["freight"], order["allocation"], order["currency"]) == (0, "value", "IDR")
    ok = await post(owner_client, f"/purchasing/orders/{order_id}/costs",
                    {"freight": "10.000", "other_costs": "", "allocation": "quantity", "currency": "idr"})
    assert ok.status_code in (302, 303)
    order = await PurchaseOrder.select().where(PurchaseOrder.id == order_id).first()
    assert (order["freight"], order["allocation"]) == (10_000, "quantity")


async def test_receiving_and_cancelled_refusal_as_posted(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    supplier = await make_supplier(tenant, items={v["sku"]: 1_000})
    order_id = await make_order(tenant, supplier, {v["sku"]: (3, 1_000)})
    scanned = await post(owner_client, f"/purchasing/orders/{order_id}/receive/scan", {"code": v["sku"],
                                                                                        "quantity": ""}, htmx=True)
    assert scanned.status_code == 200 and "1 scanned" in scanned.text
    junk = await post(owner_client, f"/purchasing/orders/{order_id}/receive/scan", {"code": v["sku"],
                                                                                     "quantity": "x"}, htmx=True)
    assert junk.status_code == 422 and "whole number" in junk.text
    done = await post(owner_client, f"/purchasing/orders/{order_id}/receive/post", {})
    assert done.status_code in (302, 303)
    assert sum(r["on_hand"] for r in await StockLevel.select().where(StockLevel.variant == v["id"])) == 1
    assert (await unit_costs(tenant, [v["id"]]))[v["id"]] == 1_000

    cancelled = await make_order(tenant, supplier, {v["sku"]: (2, 1_000)})
    await post(owner_client, f"/purchasing/orders/{cancelled}/cancel", {})
    refused = await post(owner_client, f"/purchasing/orders/{cancelled}/receive/scan", {"code": v["sku"],
                                                                                         "quantity": "2"}, htmx=True)
    assert refused.status_code == 409 and "cancelled" in refused.text
    assert sum(r["on_hand"] for r in await StockLevel.select().where(StockLevel.variant == v["id"])) == 1


async def test_unit_cost_set_by_hand_as_posted(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    for value in ("", "-5", "abc"):
        await post(owner_client, f"/purchasing/unit-cost/{v['id']}", {"unit_cost": value})
        assert (await unit_costs(tenant, [v["id"]]))[v["id"]] is None
    saved = await post(owner_client, f"/purchasing/unit-cost/{v['id']}", {"unit_cost": "Rp 45.000"})
    assert saved.status_code in (302, 303)
    assert (await unit_costs(tenant, [v["id"]]))[v["id"]] == 45_000
