"""Sync: keeps every marketplace in step with the stock ledger (pushes), and brings listings in.

Jobs are BackgroundJob rows + SAQ jobs (app.domains.jobs); each push, import and failure is also
a SyncLog line a seller can read.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.sync.dispatch import enqueue_store_push as enqueue_store_push
    from app.domains.sync.dispatch import push_on_change as push_on_change
    from app.domains.sync.dispatch import push_store_on_change as push_store_on_change
    from app.domains.sync.log import history as history
    from app.domains.sync.mapping import MapOutcome as MapOutcome
    from app.domains.sync.mapping import bulk_create_products as bulk_create_products
    from app.domains.sync.mapping import bulk_map_suggested as bulk_map_suggested
    from app.domains.sync.mapping import create_product as create_product
    from app.domains.sync.mapping import map_listing as map_listing
    from app.domains.sync.prices import enqueue_price_push as enqueue_price_push
    from app.domains.sync.prices import push_prices_on_catalog_change as push_prices_on_catalog_change
    from app.domains.sync.prices import push_prices_when_wanted as push_prices_when_wanted
    from app.domains.sync.prices import store_price as store_price
    from app.domains.sync.push import push_store as push_store
else:
    __getattr__ = lazy_exports(__name__, __file__)
