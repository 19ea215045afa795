"""Stores: the marketplace shops an organisation connected, their encrypted tokens and settings,
the one-time connection attempts, and the webhook events received for them.

The sync engine reaches a store's marketplace through ``open_adapter`` and ``connection_for``, and
lists stores through ``active_stores`` and ``list_stores``, all imported from this package.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

# The columns holding Fernet-encrypted secrets (app.core.secrets), as (table, column): a restore
# checks one of them against the current keys.
ENCRYPTED_COLUMNS = (("store", "access_token"), ("store", "refresh_token"))

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.stores.adapters import cancel_reasons_of as cancel_reasons_of
    from app.domains.stores.adapters import connection_for as connection_for
    from app.domains.stores.adapters import open_adapter as open_adapter
    from app.domains.stores.events import StoreOfferChanged as StoreOfferChanged
    from app.domains.stores.events import StorePricesWanted as StorePricesWanted
    from app.domains.stores.offer import register_store_locations as register_store_locations
    from app.domains.stores.services import StoreView as StoreView
    from app.domains.stores.services import active_stores as active_stores
    from app.domains.stores.services import active_stores_all_organisations as active_stores_all_organisations
    from app.domains.stores.services import count_connected as count_connected
    from app.domains.stores.services import get_store as get_store
    from app.domains.stores.services import list_stores as list_stores
    from app.domains.stores.services import mark_synced as mark_synced
    from app.domains.stores.services import platform_label as platform_label
    from app.domains.stores.services import record_problem as record_problem
    from app.domains.stores.services import store_names as store_names
    from app.domains.stores.services import store_view as store_view
    from app.domains.stores.statuses import StoreStatus as StoreStatus
    from app.domains.stores.statuses import SyncKind as SyncKind
    from app.domains.stores.webhook_retry import failed_events as failed_events
    from app.domains.stores.webhook_retry import retry_now as retry_now
    from app.domains.stores.webhooks import on_order_notified as on_order_notified
else:
    __getattr__ = lazy_exports(__name__, __file__)
