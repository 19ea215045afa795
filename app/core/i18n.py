"""English and Bahasa Indonesia. Message catalogs are .po files compiled in memory at start-up.

The current language lives in a context variable set per request, so templates (Jinja's i18n
extension) and Python code (`_()`) translate into the reader's language.
"""

from __future__ import annotations

import gettext as _gettext
import json
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

current_locale: ContextVar[str] = ContextVar("current_locale", default="en")


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    po_file = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not po_file.exists():
        return _gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def normalize_locale(value: str | None, default: str = "en") -> str:
    value = (value or "").strip().lower()[:2]
    return value if value in LOCALES else default


def gettext(message: str, **variables: object) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, /, **variables: object) -> str:
    """`n` picks the plural form (and is `%(num)s`); a message may still have a parameter named n."""
    text = translations(current_locale.get()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


_ = gettext


def install(env) -> None:
    """Give a Jinja environment the i18n extension bound to the per-request language."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)


def N_(message: str) -> str:
    """Mark a string for extraction whose translation happens later (roles, statuses, menu)."""
    return message


# Words shown through a variable (`_(role.value)`), listed so the extractor finds them.
DYNAMIC_LABELS = [
    N_("owner"), N_("admin"), N_("member"), N_("viewer"), N_("warehouse"),
    N_("unpaid"), N_("ready_to_ship"), N_("picking"), N_("packed"), N_("shipped"), N_("delivered"),
    N_("completed"), N_("cancelled"), N_("returned"), N_("reserved"), N_("committed"), N_("released"), N_("none"),
    N_("mapped"), N_("unmapped"), N_("ignored"), N_("status"), N_("stock"), N_("note"), N_("oversold"),
    N_("receive"), N_("adjust"), N_("reserve"), N_("release"), N_("commit"), N_("return"), N_("write_off"),
    N_("transfer_out"), N_("transfer_in"), N_("count"), N_("open"), N_("posted"), N_("received"),
    N_("paused"), N_("needs_reauth"), N_("disconnected"),
    N_("queued"), N_("active"), N_("complete"), N_("failed"), N_("aborted"),
    N_("Dashboard"), N_("Orders"), N_("Customers"), N_("Notifications"), N_("Products"), N_("Stock"), N_("Sync"), N_("Jobs"), N_("Members"), N_("Audit log"), N_("Settings"), N_("Stores"),
    N_("Warehouse"), N_("pickup"), N_("dropoff"), N_("manual"),
]


# Text stored in the database (order timeline, notifications, job names) is kept as a message id
# and its parameters, and translated when somebody reads it, into the reader's language.
_DEFERRED = '{"msg":'


def deferred(message: str, **params: object) -> str:
    """`message` (an English msgid, marked with N_) and its parameters, to translate when read.

    A parameter may itself be deferred (a label, another message): it is translated too."""
    return json.dumps({"msg": message, "args": params}, ensure_ascii=False, default=str)


def deferred_plural(singular: str, plural: str, n: int, **params: object) -> str:
    """Like `deferred`, with the plural form chosen for `n` (also the parameter `n`) when read."""
    params.setdefault("n", n)
    return json.dumps({"msg": singular, "plural": plural, "count": n, "args": params}, ensure_ascii=False,
                      default=str)


def deferred_label(member) -> str:
    """A labelled enum member, to translate when read."""
    return deferred(member.msgid)


def read(text: object) -> str:
    """Stored text in the reader's language: deferred messages are translated, other text is as it was."""
    if not isinstance(text, str) or not text.startswith(_DEFERRED):
        # Rows written before messages were deferred hold English: a known message still translates.
        return "" if text is None else translations(current_locale.get()).gettext(str(text)) if text else ""
    try:
        stored = json.loads(text)
        message, params = str(stored["msg"]), dict(stored.get("args") or {})
        plural, count = stored.get("plural"), int(stored.get("count") or 0)
    except (ValueError, KeyError, TypeError):
        return text
    catalog = translations(current_locale.get())
    translated = catalog.ngettext(message, plural, count) if plural else catalog.gettext(message) if message else ""
    values = {key: read(value) if isinstance(value, str) else value for key, value in params.items()}
    try:
        return translated % values if values else translated
    except (KeyError, TypeError, ValueError):
        return translated
