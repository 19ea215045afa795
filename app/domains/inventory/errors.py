from app.core.errors import AppError, Conflict, NotFound, ValidationFailed


class InventoryError(AppError):
    """Root of the inventory domain's errors."""


class InsufficientStock(Conflict, InventoryError):
    """Not enough available (or reserved, or on hand) units for the operation; nothing changed."""

    def __init__(self, sku: str | int, wanted: int, message: str | None = None) -> None:
        from app.core.i18n import _

        super().__init__(message or _("Not enough stock of %(sku)s for %(n)s more.", sku=sku, n=wanted))
        self.sku = sku
        self.wanted = wanted


class InvalidQuantity(ValidationFailed, InventoryError):
    def __init__(self, message: str) -> None:
        super().__init__({"quantity": message})


__all__ = ["InsufficientStock", "InvalidQuantity", "InventoryError", "NotFound"]
