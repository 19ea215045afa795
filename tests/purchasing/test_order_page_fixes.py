"""What a click-through found on purchase orders: a PO could be ordered with Rp 0 lines, the
receiving sheet read "0 +16 over" for a line received over before anything was scanned, a refused
line left ".../lines" in the address bar, and landed costs were "biaya pendaratan" in Indonesian."""

from __future__ import annotations

import html
import re

from app.domains.purchasing.tables import PurchaseOrder
from tests.inventory.factories import make_variant, tenant_of
from tests.purchasing.factories import make_order, make_supplier
from tests.support import post


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def _status(order_id: int) -> str:
    return (await PurchaseOrder.select(PurchaseOrder.status).where(PurchaseOrder.id == order_id).first())["status"]


async def test_a_purchase_order_with_unpriced_lines_is_not_ordered(owner_client):
    tenant = tenant_of(owner_client.account)
    priced, free, also_free = [await make_variant(tenant) for _ in range(3)]
    supplier = await make_supplier(tenant)
    order_id = await make_order(tenant, supplier, {priced["sku"]: (2, 5_000), free["sku"]: (3, 0),
                                                   also_free["sku"]: (1, 0)}, place=False)
    refused = await post(owner_client, f"/purchasing/orders/{order_id}/order", {})
    assert refused.status_code in (302, 303)
    page = _visible((await owner_client.get(f"/purchasing/orders/{order_id}")).text)
    assert "Set a unit price before ordering" in page
    assert f"{free['sku']}, {also_free['sku']}" in page and f"{priced['sku']}." not in page
    assert await _status(order_id) == "draft"

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    await post(owner_client, f"/purchasing/orders/{order_id}/order", {})
    page = _visible((await owner_client.get(f"/purchasing/orders/{order_id}")).text)
    assert "Isi harga satuan sebelum memesan" in page and free["sku"] in page
    assert await _status(order_id) == "draft"

    await post(owner_client, f"/purchasing/orders/{order_id}/lines",
               {"code": free["sku"], "quantity": "0", "unit_price": "1000"})  # refused (0 units): still unpriced
    for variant in (free, also_free):
        await post(owner_client, f"/purchasing/orders/{order_id}/lines",
                   {"code": variant["sku"], "quantity": "1", "unit_price": "1.000"})
    await post(owner_client, f"/purchasing/orders/{order_id}/order", {})
    assert await _status(order_id) == "ordered"


async def test_the_receiving_sheet_says_over_only_for_what_is_over(owner_client):
    tenant = tenant_of(owner_client.account)
    v, still_due = await make_variant(tenant), await make_variant(tenant)
    supplier = await make_supplier(tenant, items={v["sku"]: 1_000, still_due["sku"]: 2_000})
    order_id = await make_order(tenant, supplier, {v["sku"]: (10, 1_000), still_due["sku"]: (5, 2_000)})
    await post(owner_client, f"/purchasing/orders/{order_id}/receive/scan", {"code": v["sku"], "quantity": "26"},
               htmx=True)
    await post(owner_client, f"/purchasing/orders/{order_id}/receive/post", {})

    sheet = await owner_client.get(f"/purchasing/orders/{order_id}/receive/")
    row = re.search(rf'<tr[^>]*data-sku="{re.escape(v["sku"])}".*?</tr>', sheet.text, re.S).group(0)
    received, scanned_now = re.findall(r"<td class=\"num[^\"]*\"[^>]*>(.*?)</td>", row, re.S)[1:]
    assert _visible(received).strip() == "26 16 more than ordered"
    assert _visible(scanned_now).strip() == "0"  # it read "0 +16 over"

    scanned = await post(owner_client, f"/purchasing/orders/{order_id}/receive/scan",
                         {"code": v["sku"], "quantity": "2"}, htmx=True)
    assert "18 more than ordered" in _visible(scanned.text)

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _visible((await owner_client.get(f"/purchasing/orders/{order_id}/receive/")).text)
    assert "16 lebih dari pesanan" in indonesian and "18 lebih dari pesanan" in indonesian


async def test_a_refused_line_keeps_the_order_page_address(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    order_id = await make_order(tenant, await make_supplier(tenant), {}, place=False)
    refused = await post(owner_client, f"/purchasing/orders/{order_id}/lines",
                         {"code": "NO-SUCH-SKU", "quantity": "1", "unit_price": ""}, htmx=True)
    assert refused.status_code == 422 and "NO-SUCH-SKU" in refused.text
    assert refused.headers.get("HX-Replace-Url") == f"/purchasing/orders/{order_id}"
    costs = await post(owner_client, f"/purchasing/orders/{order_id}/costs",
                       {"freight": "-1", "other_costs": "", "allocation": "value", "currency": "IDR"}, htmx=True)
    assert costs.status_code == 422 and costs.headers.get("HX-Replace-Url") == f"/purchasing/orders/{order_id}"
    added = await post(owner_client, f"/purchasing/orders/{order_id}/lines",
                       {"code": v["sku"], "quantity": "1", "unit_price": "500"}, htmx=True)
    assert added.headers.get("HX-Redirect") == f"/purchasing/orders/{order_id}"


async def test_landed_costs_read_as_additional_costs_in_indonesian(owner_client):
    tenant = tenant_of(owner_client.account)
    order_id = await make_order(tenant, await make_supplier(tenant), {}, place=False)
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = _visible((await owner_client.get(f"/purchasing/orders/{order_id}")).text)
    assert "Biaya tambahan (ongkir, bea)" in page and "pendaratan" not in page
