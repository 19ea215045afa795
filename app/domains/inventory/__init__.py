"""Inventory: locations, stock per variant per location, and the append-only stock ledger.

Every change of stock goes through `app.domains.inventory.stock` and is one atomic conditional
update plus its ledger row in the same transaction.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.inventory.catalog_port import catalog_stock as catalog_stock
    from app.domains.inventory.costing import Valuation as Valuation
    from app.domains.inventory.costing import revalue as revalue
    from app.domains.inventory.costing import valuation as valuation
    from app.domains.inventory.errors import InsufficientStock as InsufficientStock
    from app.domains.inventory.errors import InvalidCost as InvalidCost
    from app.domains.inventory.events import LocationDeactivating as LocationDeactivating
    from app.domains.inventory.holdings import Holding as Holding
    from app.domains.inventory.holdings import last_received as last_received
    from app.domains.inventory.holdings import stock_holdings as stock_holdings
    from app.domains.inventory.labels import location_names as location_names
    from app.domains.inventory.labels import name_references as name_references
    from app.domains.inventory.locations import count_locations as count_locations
    from app.domains.inventory.locations import create_location as create_location
    from app.domains.inventory.locations import default_location as default_location
    from app.domains.inventory.locations import first_warehouse as first_warehouse
    from app.domains.inventory.locations import list_locations as list_locations
    from app.domains.inventory.locations import require_location as require_location
    from app.domains.inventory.outbox import consume_changes as consume_changes
    from app.domains.inventory.outbox import (
        organisations_with_pending_changes as organisations_with_pending_changes,
    )
    from app.domains.inventory.outbox import pending_changes as pending_changes
    from app.domains.inventory.overview import availability as availability
    from app.domains.inventory.overview import availability_with_bundles as availability_with_bundles
    from app.domains.inventory.overview import available_at_default_location as available_at_default_location
    from app.domains.inventory.overview import levels_by_location as levels_by_location
    from app.domains.inventory.overview import low_stock_count as low_stock_count
    from app.domains.inventory.overview import low_stock_count_sql as low_stock_count_sql
    from app.domains.inventory.overview import stock_table as stock_table
    from app.domains.inventory.signals import AvailableChanged as AvailableChanged
    from app.domains.inventory.signals import held as held
    from app.domains.inventory.statuses import MovementKind as MovementKind
    from app.domains.inventory.stock import MAX_QUANTITY as MAX_QUANTITY
    from app.domains.inventory.stock import Level as Level
    from app.domains.inventory.stock import Line as Line
    from app.domains.inventory.stock import adjust as adjust
    from app.domains.inventory.stock import available as available
    from app.domains.inventory.stock import check_unit_cost as check_unit_cost
    from app.domains.inventory.stock import commit as commit
    from app.domains.inventory.stock import count_many as count_many
    from app.domains.inventory.stock import levels as levels
    from app.domains.inventory.stock import receive as receive
    from app.domains.inventory.stock import release as release
    from app.domains.inventory.stock import reserve as reserve
    from app.domains.inventory.stock import transfer as transfer
    from app.domains.inventory.velocity import units_shipped as units_shipped
else:
    __getattr__ = lazy_exports(__name__, __file__)
