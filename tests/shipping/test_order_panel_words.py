"""The courier panel on an order: with no postal code known and none typed it asks for one instead
of showing an error; a price never breaks inside "Rp 33.000"; tracking reads "Pelacakan"."""

from __future__ import annotations

import re

from app.core.tenancy import Tenant
from app.domains.orders.tables import Order
from tests.shipping.conftest import courier_org, weighed_order
from tests.support import http_client, login, make_account, post


async def test_the_panel_asks_for_a_postal_code_before_refusing_one(courier, app):
    account = await make_account()
    org = await courier_org(courier, account=account, services=["jne:reg"])
    order_id = await weighed_order(Tenant(org.org_id))
    await Order.update({Order.address: {"full_address": "Jl. Melati 5, Bandung"}}).where(Order.id == order_id)
    async with http_client(app) as client:
        await login(client, account)
        untouched = await client.get(f"/shipping/orders/{order_id}/panel", headers={"HX-Request": "true"})
        assert untouched.status_code == 200
        assert 'id="quote-error"' not in untouched.text and "5-digit postal code" not in untouched.text
        assert "Type the buyer&#39;s postal code to see the couriers&#39; rates." in untouched.text
        assert 'id="no-quotes"' not in untouched.text

        typed_wrong = await client.get(f"/shipping/orders/{order_id}/panel", headers={"HX-Request": "true"},
                                       params={"destination_postal": "4011", "weight_grams": ""})
        assert re.search(r'id="quote-error">[^<]*5-digit postal code', typed_wrong.text)

        typed = await client.get(f"/shipping/orders/{order_id}/panel", headers={"HX-Request": "true"},
                                 params={"destination_postal": "40115", "weight_grams": ""})
        assert re.search(r'<span class="nowrap">Rp [\d.]+</span>', typed.text), typed.text[:3000]

        await post(client, "/language", {"locale": "id", "next": ""})
        indonesian = await client.get(f"/shipping/orders/{order_id}/panel", headers={"HX-Request": "true"})
        assert "Ketik kode pos pembeli untuk melihat tarif kurir." in indonesian.text
