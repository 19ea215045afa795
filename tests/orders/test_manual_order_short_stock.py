"""A manual order refused for want of stock names the SKUs short, what each asks and what is
available, and the location it is taken from (it said only "not enough stock for this order")."""

from __future__ import annotations

import html
import re

from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.orders.tables import Order
from tests.inventory.factories import make_variant, tenant_of
from tests.support import post


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _form(*lines: tuple[str, str]) -> dict[str, str]:
    data = {"customer_name": "Budi", "phone": "", "email": "", "address": "Jl. Mawar 1",
            "shipping_fee": "", "discount": ""}
    for i in range(3):
        code, qty = lines[i] if i < len(lines) else ("", "1")
        data[f"line-{i}-code"], data[f"line-{i}-qty"] = code, qty
    return data


async def test_a_short_manual_order_names_each_short_sku_and_the_location(owner_client):
    tenant = tenant_of(owner_client.account)
    plenty, short = await make_variant(tenant), await make_variant(tenant)
    location = await default_location(tenant)
    await stock.receive(tenant, plenty["id"], location["id"], 10)
    await stock.receive(tenant, short["id"], location["id"], 3)
    before = await Order.count().where(Order.organization == tenant.organization_id)

    refused = await post(owner_client, "/orders/", _form((plenty["sku"], "2"), (short["sku"], "4"), (short["sku"], "1")))
    assert refused.status_code == 422
    text = _visible(refused.text)
    assert f"{short['sku']}: 5 wanted, 3 available" in text  # the two lines of one SKU count together
    assert plenty["sku"] + ":" not in text
    assert f"{location['name']} ({location['code']})" in text and "default location" in text

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _visible((await post(owner_client, "/orders/", _form((short["sku"], "4")))).text)
    assert f"{short['sku']}: diminta 4, tersedia 3" in indonesian
    assert "lokasi utama" in indonesian and "wanted" not in indonesian

    assert await Order.count().where(Order.organization == tenant.organization_id) == before
    levels = {lv.variant_id: lv.reserved for lv in await stock.levels(tenant, [plenty["id"], short["id"]])}
    assert levels == {plenty["id"]: 0, short["id"]: 0}
