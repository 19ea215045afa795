"""Every page, in English and in Bahasa Indonesia, shows people words, not identifiers.

The owner of a seeded organisation (a store, products with stock, orders in several states, a
job, notifications, audit entries) opens every GET page. In the visible text (tags, scripts,
styles and attribute values stripped) there must be no snake_case identifier (`ready_to_ship`,
`transfer_out`), and in Indonesian no English catalog message that has a translation.
"""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po

from app.core.i18n import LOCALE_DIR
from app.domains.catalog.spreadsheet_import import COLUMNS as IMPORT_COLUMNS
from app.domains.webhooks.statuses import WebhookEventType
from tests.seeded_pages import page_urls, seed
from tests.support import http_client, login, make_account, post

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
# The catalog import's CSV column names are what the seller types in the file's header row.
SNAKE_ALLOWED = set(IMPORT_COLUMNS)
# The outbound webhooks' event types (order.status_changed) are the names a receiver reads in the payload.
SNAKE_ALLOWED |= {part for event_type in WebhookEventType for part in SNAKE.findall(event_type.value)}
NOT_YET: set[str] = set()  # pages this check skips for now (none)
# The REST API's reference is for programmers: field and parameter names are its content (in <code>).
PROGRAMMERS_PAGES = {"/api/docs"}
# The audit log folds each entry's raw record (JSON, identifiers and all) under "Raw record", on
# purpose, for whoever needs the exact values; that block alone is not interface text.
RAW_BLOCK = re.compile(r'<details class="raw">.*?</details>', re.S)


# English inside the seeded data itself (a product's variant "All Size"), not the interface's.
DATA_ENGLISH = ("All Size", "Member Person")


def visible_text(page: str) -> str:
    """What a person reads: no tags, no scripts or styles, no attribute values, no comments."""
    page = RAW_BLOCK.sub(" ", page)
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]*>", "\n", page)
    return html.unescape(page)


def _catalog_messages() -> list[str]:
    """Indonesian msgids whose translation differs from the English (a shared word like "SKU" does not count)."""
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    # A word the Indonesian text uses as well ("Transfer stok") proves nothing when it appears.
    indonesian = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog if m.string)
    found = []
    for message in catalog:
        if not message.id or message.pluralizable or not message.string or message.string == message.id:
            continue
        text = message.id
        if "%(" in text:  # a template: compare its fixed part before the first placeholder
            text = text.split("%(")[0].strip()
        # Short words (a unit, a brand, "Rp") and single lowercase words collide with data.
        if len(text) < 4 or (" " not in text and text.islower()):
            continue
        if re.search(r"(?<![\w-])" + re.escape(text) + r"(?![\w-])", indonesian):
            continue
        found.append(text)
    return sorted(set(found), key=len, reverse=True)


@pytest.mark.parametrize("locale", ["en", "id"])
async def test_every_page_shows_words_not_identifiers(app, locale):
    account = await make_account()
    ids = await seed(account)
    messages = _catalog_messages() if locale == "id" else []
    failures: list[str] = []
    async with http_client(app) as client:
        await login(client, account)
        await post(client, "/language", {"locale": locale, "next": "/"})
        pages = 0
        for url in page_urls(app, ids, NOT_YET | PROGRAMMERS_PAGES):
            response = await client.get(url)
            assert response.status_code < 500, f"GET {url} gave {response.status_code}"
            if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            pages += 1
            text = visible_text(response.text)
            for phrase in DATA_ENGLISH:
                text = text.replace(phrase, " ")
            for word in set(SNAKE.findall(text)) - SNAKE_ALLOWED:
                failures.append(f"{url}: identifier {word!r}")
            for message in messages:
                found = re.search(r"(?<![\w-])" + re.escape(message) + r"(?![\w-])", text)
                if found:
                    around = " ".join(text[max(0, found.start() - 30):found.end() + 30].split())
                    failures.append(f"{url}: untranslated {message!r} in {around!r}")
    print(f"{pages} pages checked in {locale}")
    assert pages > 30, f"only {pages} pages rendered"
    assert not failures, "\n".join(sorted(set(failures)))
