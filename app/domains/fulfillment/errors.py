"""Fulfillment's errors: sentences a packer or seller can act on."""

from __future__ import annotations

from app.core.errors import AppError, Conflict


class ScanRefused(AppError):
    """A scan that counts nothing: wrong item, surplus, unknown code, or an order not ready to pack."""

    status_code = 422


class ShipFailed(Conflict):
    """The marketplace refused or could not be reached; nothing changed here."""
