"""A seller on a paid plan saw no way to Free (the Free row had no button and no words): billing has
no downgrade action (an unpaid renewal falls back to Free), so the row says how it happens."""

from __future__ import annotations

import html
import re

from tests.billing.conftest import make_plan, subscribe
from tests.support import post


def _free_row(page: str) -> str:
    rows = re.findall(r"<tr><th class=\"plan-name\">.*?</tr>", page, re.S)
    [row] = [r for r in rows if 'class="plan-price">Rp 0<' in r]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)))


async def test_the_free_row_says_how_a_paying_seller_gets_there(owner_client):
    before = _free_row((await owner_client.get("/settings/billing/")).text)
    assert "Current" in before and "renewal" not in before  # on Free already: nothing to say

    await subscribe(owner_client.account.org_id, await make_plan(price=149_000))
    english = _free_row((await owner_client.get("/settings/billing/")).text)
    assert "leave the next renewal invoice unpaid and the account moves to Free 7 days after" in english
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _free_row((await owner_client.get("/settings/billing/")).text)
    assert "biarkan tagihan perpanjangan berikutnya tidak dibayar" in indonesian
