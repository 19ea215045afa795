from app.core.errors import AppError, Conflict, NotFound, ValidationFailed


class InventoryError(AppError):
    """Root of the inventory domain's errors."""


class InsufficientStock(Conflict, InventoryError):
    """Not enough available (or reserved, or on hand) units for the operation; nothing changed."""

    def __init__(self, sku: str | int, wanted: int, message: str | None = None, *, shown_sku: str = "") -> None:
        from app.core.i18n import _

        # `sku` is what the caller knows (often a variant id); a person reads `shown_sku`.
        super().__init__(message or _("Not enough stock of %(sku)s for %(n)s more.", sku=shown_sku or sku, n=wanted))
        self.sku = sku
        self.shown_sku = shown_sku or str(sku)
        self.wanted = wanted


class InvalidQuantity(ValidationFailed, InventoryError):
    def __init__(self, message: str) -> None:
        super().__init__({"quantity": message})


class InvalidCost(ValidationFailed, InventoryError):
    def __init__(self, message: str) -> None:
        super().__init__({"unit_cost": message})


__all__ = ["InsufficientStock", "InvalidCost", "InvalidQuantity", "InventoryError", "NotFound"]
