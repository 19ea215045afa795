"""One business term, one Indonesian word: every message about a term uses the word chosen for it
and none of the wrong ones the catalog once had (a marketplace settlement was "penyelesaian" in ten
messages and "Pencairan" on the store card; landed costs were "biaya pendaratan"; tracking was "Resi", the tracking number's word)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from app.core.i18n import LOCALE_DIR

# English words in the msgid -> a word every translation must contain, words none may contain
TERMS = {
    "settlement": (re.compile(r"\bsettle|\bpayout\b|\bpaid out\b", re.I), re.compile(r"pencairan|cairkan", re.I),
                   re.compile(r"penyelesaian|menyelesaikan", re.I)),
    # a purchase's freight, duty, insurance: "biaya pendaratan" is a word-for-word landing
    "landed cost": (re.compile(r"\blanded\b", re.I), re.compile(r"biaya tambahan", re.I),
                    re.compile(r"pendaratan", re.I)),
    # tracking (the courier's statuses) is "pelacakan"; "resi" is the tracking number
    "tracking": (re.compile(r"\btracking\b(?! number)", re.I), re.compile(r"pelacakan", re.I),
                 re.compile(r"\bresi\b", re.I)),
}


def _messages() -> list[tuple[str, str]]:
    with (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend(zip(ids, strings, strict=False))
    return pairs


@pytest.mark.parametrize("term", sorted(TERMS))
def test_each_term_reads_with_one_indonesian_word(term):
    english, wanted, wrong = TERMS[term]
    about = [(msgid, msgstr) for msgid, msgstr in _messages() if english.search(msgid)]
    assert about, f"no message mentions {term}"
    off = [(msgid, msgstr) for msgid, msgstr in about if not wanted.search(msgstr) or wrong.search(msgstr)]
    assert off == []
