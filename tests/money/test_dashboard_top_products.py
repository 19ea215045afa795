"""The dashboard's top products read "Kaos Polos L SKU-1 · 2 sold · Rp 150.000": the product and
variant name without an empty part, never the dangling "SKU · 2 × · Rp ..." it showed."""

from __future__ import annotations

import html
import re

from app.domains.catalog.tables import Variant
from app.domains.money.rollups import refresh_orders
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.support import post


def _items(page: str) -> list[str]:
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li))).strip()
            for li in re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="small top-products">(.*?)</ol>',
                                                                 page, re.S).group(1), re.S)]


async def test_top_products_name_the_product_and_count_units_sold(owner_client):
    tenant = tenant_of(owner_client.account)
    named = await stocked_variant(tenant, price=75_000)
    plain = await stocked_variant(tenant, price=10_000)
    await Variant.update({Variant.name: ""}).where(Variant.id == plain["id"])  # a product with no variant name
    order_id = await ready_order(tenant, [(named, 2), (plain, 1)])
    await refresh_orders(tenant.organization_id, [order_id])

    english = _items((await owner_client.get("/reports/dashboard-money", headers={"HX-Request": "true"})).text)
    assert english == [f"Kaos Polos L {named['sku']} · 2 sold · Rp 150.000",
                       f"Kaos Polos {plain['sku']} · 1 sold · Rp 10.000"]
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _items((await owner_client.get("/reports/dashboard-money", headers={"HX-Request": "true"})).text)
    assert indonesian[0] == f"Kaos Polos L {named['sku']} · 2 terjual · Rp 150.000"
    assert not any("×" in item for item in english + indonesian)
