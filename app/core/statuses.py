"""Enumerations shared across domains, and the base of every enum a person sees."""

from enum import StrEnum

from app.core.i18n import N_, gettext

# Every labelled enum by class name, for templates: {{ order.state | label('OrderState') }}.
LABELLED: dict[str, type["Labelled"]] = {}


class Labelled(StrEnum):
    """A StrEnum whose members have a translated label: a subclass lists them in `msgids()`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        LABELLED[cls.__name__] = cls

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {}

    @property
    def msgid(self) -> str:
        return type(self).msgids().get(self.value) or humanize(self.value)

    def label(self) -> str:
        return gettext(self.msgid)


def humanize(value: str) -> str:
    """The last resort for a value with no label: words, never an identifier."""
    text = str(value).replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def label(value: object, enum: str) -> str:
    """The translated label of `value` as a member of the labelled enum named `enum`."""
    if value is None or value == "":
        return ""
    cls = LABELLED.get(enum)
    try:
        return cls(str(value)).label() if cls else gettext(humanize(str(value)))
    except ValueError:
        return gettext(humanize(str(value)))


class Role(Labelled):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"
    WAREHOUSE = "warehouse"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"owner": N_("Owner"), "admin": N_("Admin"), "member": N_("Member"), "viewer": N_("Viewer"),
                "warehouse": N_("Warehouse staff")}


class Channel(Labelled):
    """Where an order came from: a marketplace, the seller's own website, or typed in by hand."""

    SHOPEE = "shopee"
    TIKTOK = "tiktok"
    LAZADA = "lazada"
    WEBSITE = "website"
    MANUAL = "manual"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"shopee": N_("Shopee"), "tiktok": N_("TikTok Shop"), "lazada": N_("Lazada"), "website": N_("Website"),
                "manual": N_("Manual order")}
