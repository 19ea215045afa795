"""StoreSync's own shipping label prints the recipient's postal code on a line of its own (it had
none when the address came with a separate postal code, and none to sort by for a typed address)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from app.domains.fulfillment import shipping
from app.domains.orders.tables import Order
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import tenant_of
from tests.support import post


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.text[:300]
    return " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())


async def _shipped(tenant, address: dict) -> int:
    variant = await stocked_variant(tenant)
    order_id = await ready_order(tenant, [(variant, 1)], customer="Rina Kusuma")
    await Order.update({Order.state: "packed", Order.address: address}).where(Order.id == order_id)
    await shipping.ship(tenant, order_id, carrier="JNE REG", tracking_number="JNE00" + str(order_id).zfill(8))
    return order_id


async def test_the_own_label_prints_the_recipients_postal_code(owner_client):
    tenant = tenant_of(owner_client.account)
    separate = await _shipped(tenant, {"full_address": "Jl. Melati 5, Bandung", "city": "Bandung",
                                       "postal_code": "40115"})
    typed = await _shipped(tenant, {"full_address": "Jl. Kenanga 9, Depok 16411"})
    nothing = await _shipped(tenant, {"full_address": "Jl. Mawar 1, Bogor"})

    assert "Postal code 40115" in _pdf_text(await owner_client.get(f"/fulfillment/orders/{separate}/label.pdf"))
    assert "Postal code 16411" in _pdf_text(await owner_client.get(f"/fulfillment/orders/{typed}/label.pdf"))
    assert "Postal code" not in _pdf_text(await owner_client.get(f"/fulfillment/orders/{nothing}/label.pdf"))
    page = await owner_client.get(f"/fulfillment/orders/{separate}/label")
    assert re.search(r'class="label-postal">Postal code <strong class="mono">40115</strong>', page.text)

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    assert "Kode pos 40115" in _pdf_text(await owner_client.get(f"/fulfillment/orders/{separate}/label.pdf"))
