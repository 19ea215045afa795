"""A marketplace action's outcome is written by the worker but read by the seller: the order page
shows it, and the history lines the cancel and the marketplace's news left, in the reader's language
(they were English, with the platform's status code, on the Indonesian page)."""

from __future__ import annotations

import html
import re

from app.domains.fulfillment.platform_actions import run_action
from app.domains.fulfillment.tables import OrderAction
from tests.fulfillment.test_fulfillment_ship import _marketplace_order
from tests.support import post


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_a_marketplace_cancel_reads_in_indonesian(owner_client, sandbox):
    tenant, _shop, _placed, _variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    assert asked.status_code == 200
    action = await OrderAction.select().where(OrderAction.order == order_id).first()
    await run_action(tenant, action["id"])

    english = _visible((await owner_client.get(f"/orders/{order_id}")).text)
    assert "Cancel on the marketplace: Cancelled on the marketplace." in english
    assert "Shopee: Cancelled" in english

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _visible((await owner_client.get(f"/orders/{order_id}")).text)
    assert "Batalkan di marketplace: Dibatalkan di marketplace." in indonesian
    assert "Shopee: Dibatalkan" in indonesian
    for english_words in ("Cancelled on the marketplace", "CANCELLED", '"msg"'):
        assert english_words not in indonesian


async def test_the_order_page_asks_again_until_the_marketplace_answered(owner_client, sandbox):
    """"Sent to the marketplace: this page shows its answer" — it did not until Reload was pressed."""
    tenant, _shop, _placed, _variant, order_id = await _marketplace_order(owner_client, sandbox, "shopee", qty=1)
    asked = await post(owner_client, f"/orders/{order_id}/marketplace/cancel", {"reason": "out_of_stock"}, htmx=True)
    poll = f'hx-get="/orders/{order_id}" hx-trigger="every 2s" hx-target="#order-detail"'
    assert poll in asked.text

    polled = await owner_client.get(f"/orders/{order_id}", headers={"HX-Request": "true", "HX-Target": "order-detail"})
    assert polled.status_code == 200 and polled.text.lstrip().startswith('<div id="order-detail"')
    assert poll in polled.text and "<html" not in polled.text

    action = await OrderAction.select().where(OrderAction.order == order_id).first()
    await run_action(tenant, action["id"])
    answered = await owner_client.get(f"/orders/{order_id}", headers={"HX-Request": "true", "HX-Target": "order-detail"})
    assert "Cancelled on the marketplace." in answered.text and poll not in answered.text
