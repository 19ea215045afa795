"""A reversed period answers 422 with the message on its field, keeps what the seller typed and
shows no report for another period below it (it answered 400 over the default 30 days); periods and
days read in the reader's language ("5 Des 2026"), not ISO."""

from __future__ import annotations

import html
import re

from app.core.clock import utcnow
from app.domains.money.rollups import local_day
from tests.money.factories import make_store
from tests.money.test_report_routes import sold
from tests.support import post


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _value(page: str, field_id: str) -> str:
    return re.search(rf'id="{field_id}"[^>]*value="([^"]*)"', page).group(1)


async def test_a_reversed_period_is_refused_on_its_field_and_keeps_what_was_typed(owner_client):
    store = await make_store(owner_client.account)
    for name in ("pnl", "daily", "expenses"):
        page = await owner_client.get(f"/reports/{name}", params={"from": "2026-12-10", "to": "2026-12-01",
                                                                  "store": str(store), "channel": "shopee"})
        assert page.status_code == 422, name
        to_field = re.search(r'<div class="field has-error"><label for="rf-to">.*?</div>', page.text, re.S).group(0)
        assert "The end date must not be before the start date." in to_field
        assert (_value(page.text, "rf-from"), _value(page.text, "rf-to")) == ("2026-12-10", "2026-12-01")
        assert re.search(rf'<option value="{store}" selected>', page.text)
        assert '<option value="shopee" selected>' in page.text
        assert "Download CSV" not in page.text and 'class="muted small period"' not in page.text  # no other period
        assert "Correct the period above" in page.text


async def test_periods_and_days_read_in_the_readers_language(owner_client):
    await sold(owner_client)
    today = local_day(utcnow(), "Asia/Jakarta")
    params = {"from": "2026-11-05", "to": today.isoformat(), "store": "", "channel": ""}
    english = _visible((await owner_client.get("/reports/daily", params=params)).text)
    assert "5 Nov 2026 –" in english and "2026-11-05" not in english
    day = f"{today.day} {today.strftime('%b')} {today.year}"
    assert day in english  # the day's row of the table, and the period's end
    csv = await owner_client.get("/reports/daily", params={**params, "format": "csv"})
    assert today.isoformat() in csv.content.decode("utf-8-sig")  # exports keep ISO days for spreadsheets

    await post(owner_client, "/language", {"locale": "id", "next": ""})
    indonesian = _visible((await owner_client.get("/reports/pnl", params={**params, "to": "2026-12-05"})).text)
    assert "5 Nov 2026 – 5 Des 2026" in indonesian
