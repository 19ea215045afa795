"""Errors of the stores domain; each carries a sentence a seller can act on."""

from __future__ import annotations

from app.core.errors import AppError, Conflict


class StoreError(AppError):
    """Root of the stores domain's errors."""


class ConnectionRefused(StoreError):
    """The trip back from the marketplace cannot be accepted (bad, used or expired state; missing code)."""


class ShopConnectedElsewhere(Conflict, StoreError):
    """The marketplace shop is connected to another organisation."""


class StoreStateConflict(Conflict, StoreError):
    """The action does not fit the store's status (e.g. resume a store that is not paused)."""


class StoreNotConnected(StoreError):
    """The store has no tokens (disconnected): reconnect it first."""
