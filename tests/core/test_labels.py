"""Words for people: every state, kind, role and channel has a label in both languages, and text
stored for later (timeline, notifications, job names) is read in the reader's language."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from app.core.i18n import (
    LOCALE_DIR,
    current_locale,
    deferred,
    deferred_label,
    deferred_plural,
    ngettext,
    read,
)
from app.core.statuses import LABELLED, Channel, Role, label
from app.integrations.errors import NetworkError


@pytest.fixture
def indonesian():
    token = current_locale.set("id")
    yield
    current_locale.reset(token)


def test_every_labelled_member_has_its_own_words_in_english_and_indonesian(app):
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    assert {"OrderState", "StockState", "MovementKind", "JobStatus", "Role", "Channel", "StoreStatus"} <= set(LABELLED)
    for name, enum in LABELLED.items():
        for member in enum:
            assert member.value in enum.msgids(), f"{name}.{member.name} has no label"
            assert "_" not in member.msgid, f"{name}.{member.name} is labelled {member.msgid!r}"
            entry = catalog.get(member.msgid)
            assert entry is not None and entry.string, f"{name}.{member.name}: {member.msgid!r} has no Indonesian translation"


def test_the_label_filter_never_shows_an_identifier(indonesian):
    assert label("ready_to_ship", "OrderState") == "Siap dikirim"
    assert label("warehouse", "Role") == "Staf gudang"
    assert label("some_new_state", "OrderState") == "Some new state"  # unknown: words, not the value
    assert label("tiktok", "NoSuchEnum") == "Tiktok"
    assert label(None, "OrderState") == ""


def test_stored_messages_are_read_in_the_readers_language():
    stored = deferred("New order %(number)s from %(channel)s", number="2412XYZ", channel=deferred_label(Channel.TIKTOK))
    assert read(stored) == "New order 2412XYZ from TikTok Shop"
    token = current_locale.set("id")
    try:
        assert read(stored) == "Pesanan baru 2412XYZ dari TikTok Shop"
        assert read(deferred("You are invited as %(role)s.", role=deferred_label(Role.WAREHOUSE))) == \
            "Anda diundang sebagai Staf gudang."
        assert read("Manual order created.") == "Pesanan manual dibuat."  # a row from before, in English
        assert read("a note somebody typed") == "a note somebody typed"
        # a marketplace's failure, kept as its English sentence in the sync log or on the store card
        assert read(NetworkError("timeout").seller_message) == \
            "Kami tidak dapat menghubungi marketplace. StoreSync akan mencoba lagi secara otomatis."
    finally:
        current_locale.reset(token)
    one = deferred_plural("Return opened for %(n)s unit.", "Return opened for %(n)s units.", 1)
    three = deferred_plural("Return opened for %(n)s unit.", "Return opened for %(n)s units.", 3)
    assert (read(one), read(three)) == ("Return opened for 1 unit.", "Return opened for 3 units.")
    assert read('{"msg": broken') == '{"msg": broken'
    assert read(deferred("Order %(number)s is late to ship.")) == "Order %(number)s is late to ship."


def test_permissions_read_as_words_not_identifiers(indonesian):
    from app.core.permissions import Permission

    assert Permission.CATALOG_EDIT.label() == "Mengubah katalog"
    assert all("." not in p.label() and "_" not in p.label() for p in Permission)


async def test_members_page_names_permissions_in_words(owner_client):
    page = await owner_client.get("/members")
    assert page.status_code == 200
    assert "Edit the catalog" in page.text and "<th>catalog.edit</th>" not in page.text


def test_every_indonesian_plural_has_both_forms():
    """gettext falls back to the English text when the plural's msgstr[1] is empty: the receiving
    flash said '22 units received. 16 units still to come.' on an Indonesian page."""
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    missing = [entry.id[0] for entry in catalog if isinstance(entry.id, tuple) and not all(entry.string)]
    assert not missing, f"plural forms without Indonesian words: {missing}"
    token = current_locale.set("id")
    try:
        assert ngettext("%(num)s unit received.", "%(num)s units received.", 22) == "22 unit diterima."
    finally:
        current_locale.reset(token)


def test_no_indonesian_translation_carries_another_messages_english():
    """A merge glued 'The moving average of what the stock cost…' onto the Indonesian of the
    marketplace-label hint, so a marketplace order's page showed that English sentence."""
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    sentences = {entry.id for entry in catalog if isinstance(entry.id, str) and len(entry.id) >= 30}
    glued = []
    for entry in catalog:
        own = entry.id if isinstance(entry.id, str) else " ".join(entry.id)
        for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            glued += [f"{own!r} carries {other!r}" for other in sentences if other not in own and other in (text or "")]
    assert not glued, glued
