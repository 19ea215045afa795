from app.core.errors import AppError, NotFound, ValidationFailed


class CatalogError(AppError):
    """Root of the catalog domain's errors."""


class DuplicateSku(ValidationFailed, CatalogError):
    def __init__(self, sku: str, field: str = "sku") -> None:
        from app.core.i18n import _

        super().__init__({field: _("SKU %(sku)s is already used by another variant.", sku=sku)})


__all__ = ["CatalogError", "DuplicateSku", "NotFound"]
