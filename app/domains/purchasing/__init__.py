"""Purchasing: suppliers and the SKUs they supply, purchase orders (draft -> ordered -> partly
received -> received, or cancelled), receiving against them on inventory's receive path with
landed costs, and reorder suggestions from sales velocity."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.purchasing.orders import incoming as incoming
    from app.domains.purchasing.statuses import PurchaseStatus as PurchaseStatus
else:
    __getattr__ = lazy_exports(__name__, __file__)
