from app.core.i18n import N_
from app.core.statuses import Labelled


class MappingStatus(Labelled):
    MAPPED = "mapped"
    UNMAPPED = "unmapped"  # waits in the queue for a person
    IGNORED = "ignored"  # the seller chose not to sync it

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"mapped": N_("Mapped"), "unmapped": N_("Unmapped"), "ignored": N_("Ignored")}


class ListingState(Labelled):
    """Whether buyers see the listing on the marketplace (its status there, whatever the spelling)."""

    LIVE = "live"
    UNLISTED = "unlisted"  # the seller took it off sale (Shopee UNLIST, Lazada inactive)
    DRAFT = "draft"  # created but never put on sale (TikTok DRAFT)
    OTHER = "other"  # under review, banned, deleted...

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"live": N_("Live"), "unlisted": N_("Unlisted"), "draft": N_("Draft"),
                "other": N_("Not on sale")}


# Each platform's spelling of a listing's status -> ListingState (compared in upper case).
_STATES = {"NORMAL": ListingState.LIVE, "ACTIVATE": ListingState.LIVE, "ACTIVE": ListingState.LIVE,
           "LIVE": ListingState.LIVE, "UNLIST": ListingState.UNLISTED, "INACTIVE": ListingState.UNLISTED,
           "SELLER_DEACTIVATED": ListingState.UNLISTED, "DRAFT": ListingState.DRAFT}


def listing_state(platform_status: str | None) -> str:
    """The ListingState of a platform's status ("" when the platform said nothing)."""
    text = (platform_status or "").strip().upper()
    if not text:
        return ""
    return _STATES.get(text, ListingState.OTHER).value
