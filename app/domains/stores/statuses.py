from enum import StrEnum


class StoreStatus(StrEnum):
    ACTIVE = "active"  # syncing as its settings say
    PAUSED = "paused"  # the seller paused it: no syncing, tokens still refreshed
    NEEDS_REAUTH = "needs_reauth"  # the authorization lapsed: the seller must reconnect
    DISCONNECTED = "disconnected"  # tokens wiped; history kept

    @property
    def connected(self) -> bool:
        return self is not StoreStatus.DISCONNECTED
