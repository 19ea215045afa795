"""The ship panel's line under the order: "Manual order · <address>", and no dangling "·" when a
manual order was typed in without an address."""

from __future__ import annotations

import html
import re

from app.domains.fulfillment import packing
from app.domains.orders.services import create_manual_order
from tests.fulfillment.factories import stocked_variant
from tests.inventory.factories import tenant_of


async def _packed(tenant, address: str) -> int:
    variant = await stocked_variant(tenant, units=3)
    order_id = await create_manual_order(tenant, customer_name="Rina Kusuma", phone="", address=address,
                                         lines=[(variant["sku"], 1)])
    await packing.scan_item(tenant, order_id, variant["barcode"])
    return order_id


def _line(page: str) -> str:
    match = re.search(r'<p class="small">(.*?)</p>', page, re.S)
    assert match
    return html.unescape(re.sub(r"\s+", " ", match.group(1))).strip()


async def test_the_ship_panel_names_the_order_without_a_dangling_dot(owner_client):
    tenant = tenant_of(owner_client.account)
    without = await _packed(tenant, "")
    with_address = await _packed(tenant, "Jl. Melati 5, Bandung")

    assert _line((await owner_client.get(f"/fulfillment/orders/{without}/ship")).text) == "Manual order"
    assert _line((await owner_client.get(f"/fulfillment/orders/{with_address}/ship")).text) == \
        "Manual order · Jl. Melati 5, Bandung"
