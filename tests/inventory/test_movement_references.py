"""The movement history names the order a movement was made for (its number, linked), not the
ledger's internal reference "order:28"; the "Show more" page of rows does too."""

from __future__ import annotations

import html
import re

from app.domains.orders.tables import Order
from tests.orders.test_routes import _manual_ready_order


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


async def test_a_movement_for_an_order_names_the_order(owner_client):
    _tenant, variant, order_id = await _manual_ready_order(owner_client.account, units=5, qty=2)
    number = (await Order.select(Order.platform_order_id).where(Order.id == order_id).first())["platform_order_id"]

    page = await owner_client.get(f"/inventory/movements?variant={variant['id']}&location=&kind=")

    assert page.status_code == 200
    assert f'<a class="muted" href="/orders/{order_id}">Order {number}</a>' in page.text
    assert f"order:{order_id}" not in _text(page.text)


async def test_csv_exports_say_their_charset_once(owner_client):
    """Litestar adds the charset to a text/* type: "text/csv; charset=utf-8; charset=utf-8" before."""
    for url in ("/inventory/movements.csv?variant=&location=&kind=", "/catalog/export.csv"):
        response = await owner_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "text/csv; charset=utf-8", url
