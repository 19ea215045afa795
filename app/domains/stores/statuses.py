from enum import StrEnum

from app.core.i18n import N_
from app.core.statuses import Labelled


class StoreStatus(Labelled):
    ACTIVE = "active"  # syncing as its settings say
    PAUSED = "paused"  # the seller paused it: no syncing, tokens still refreshed
    NEEDS_REAUTH = "needs_reauth"  # the authorization lapsed: the seller must reconnect
    DISCONNECTED = "disconnected"  # tokens wiped; history kept

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"active": N_("Connected"), "paused": N_("Paused"), "needs_reauth": N_("Needs reconnecting"),
                "disconnected": N_("Disconnected")}

    @property
    def connected(self) -> bool:
        return self is not StoreStatus.DISCONNECTED


class SyncKind(StrEnum):
    """A kind of sync, each with its own watermark on the store (and the order fetch its own schedule):
    a store whose stock changes all day must still have its orders fetched on time."""

    ORDER_FETCH = "order_fetch"  # scheduled every sync interval from last_order_fetch_at
    STOCK_PUSH = "stock_push"  # on every stock change (no schedule)
    LISTING_IMPORT = "listing_import"  # on demand and by reconcile
    TOKEN_REFRESH = "token_refresh"  # by the access token's expiry


SYNC_KIND_COLUMNS = {
    SyncKind.ORDER_FETCH: "last_order_fetch_at",
    SyncKind.STOCK_PUSH: "last_stock_push_at",
    SyncKind.LISTING_IMPORT: "last_listing_import_at",
    SyncKind.TOKEN_REFRESH: "last_token_refresh_at",
}
