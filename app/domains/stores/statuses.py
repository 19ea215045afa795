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
