"""Who reacts to whom: every cross-domain listener, subscribed in one place.

`register_listeners()` is called by every process that runs domain services: create_app (web),
the worker's start-up, the CLI commands that use services, bench and the test session. Calling it
again changes nothing.
"""

from __future__ import annotations

from app.core.events import subscribe
from app.domains import audit, catalog, fulfillment, inventory, listings, orders, stores
from app.domains.accounts.events import OrganisationCreated
from app.domains.inventory.events import LocationDeactivating
from app.domains.inventory.locations import first_warehouse
from app.domains.inventory.signals import AvailableChanged
from app.domains.listings.reads import keep_sold_location
from app.domains.sync.dispatch import push_on_change


def register_listeners() -> None:
    # the audit trail names the rows its entries mention, and labels some stored values
    for kind, namer in (("product", catalog.product_names), ("variant", catalog.variant_skus),
                        ("location", inventory.location_names), ("order", orders.order_numbers),
                        ("return", orders.return_orders), ("order_line", orders.line_skus),
                        ("return_line", orders.return_line_skus), ("store", stores.store_names),
                        ("listing", listings.listing_names)):
        audit.name_rows(kind, namer)
    audit.label_values("platform", stores.platform_label)
    audit.label_values("reason", fulfillment.reason_label)

    # an organisation starts with one warehouse (in the transaction that created it)
    subscribe(OrganisationCreated, first_warehouse)
    # a location a store sells from cannot be deactivated
    subscribe(LocationDeactivating, keep_sold_location)
    # a stock change, once committed, schedules a push to the stores (one coalesced job)
    subscribe(AvailableChanged, push_on_change)
