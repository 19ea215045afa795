"""Money: what the marketplaces settle for each order (fee by fee), the costs a seller enters,
the daily rollups per organisation x store x variant that the reports read, the reports
themselves (profit and loss, profit per order / SKU / store, sales per day, ...) and the weekly
summary e-mail."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.money.dispatch import on_orders_changed as on_orders_changed
    from app.domains.money.rollups import rebuild_rollups as rebuild_rollups
    from app.domains.money.settlements import order_settlement as order_settlement
else:
    __getattr__ = lazy_exports(__name__, __file__)
