"""Who reacts to whom: every cross-domain listener and lookup, registered in one place.

`register_listeners()` is called by every process that runs domain services: create_app (web),
the worker's start-up, the CLI commands that use services, bench and the test session. Calling it
again changes nothing (a listener is subscribed once; a lookup is replaced by itself).
"""

from __future__ import annotations

from app.core.events import subscribe, subscribe_batch
from app.core.limits import Adding
from app.core.page_cache import bump_event, bump_events
from app.domains import (
    accounts,
    audit,
    billing,
    catalog,
    fulfillment,
    inventory,
    listings,
    marketing,
    money,
    orders,
    payments,
    platform_api,
    shipping,
    stores,
    sync,
    webhooks,
    website,
)


def register_listeners() -> None:
    # an organisation starts with one warehouse (in the transaction that created it)
    subscribe(accounts.OrganisationCreated, inventory.first_warehouse)
    # a location a store sells from cannot be deactivated (the listener refuses)
    subscribe(inventory.LocationDeactivating, listings.keep_sold_location)
    # a stock change, once committed, schedules a push to the stores (one coalesced job)
    subscribe(inventory.AvailableChanged, sync.push_on_change)
    # a store's locations changed: push its stock again; prices changed or asked for: push them
    subscribe(stores.StoreOfferChanged, sync.push_store_on_change)
    subscribe(catalog.CatalogPricesChanged, sync.push_prices_on_catalog_change)
    subscribe(stores.StorePricesWanted, sync.push_prices_when_wanted)

    # a website order follows its payment: paid -> ready to ship; paid after expiry -> flagged for refund
    website.on_payment_settled(website.payment_settled)
    # the website may keep the last units from the marketplace stores (allocation asks it)
    listings.register_preferred_channel(website.keeps_last_units)

    # a store's page shows and sets the locations it sells from (listings' allocation)
    stores.register_store_locations(listings.store_locations, listings.set_store_locations)

    # a marketplace order's page shows its actions there (cancel, arrange shipment: fulfillment's)
    orders.on_order_page(fulfillment.order_page_extras)

    # the product pages show stock (inventory's)
    catalog.register_stock_view(inventory.availability_with_bundles, inventory.levels_by_location)
    # the catalog's spreadsheet import and export and its demo data carry stock (inventory's)
    catalog.register_stock_port(inventory.catalog_stock)
    # an own label names the sender by the pickup address of the location it leaves (shipping's)
    fulfillment.register_pickup_addresses(shipping.pickup_addresses)

    # a marketplace's "order changed" notification fetches the order
    stores.on_order_notified(orders.fetch_notified_order)

    # the audit trail names the rows its entries mention, and labels some stored values
    for kind, namer in (("product", catalog.product_names), ("variant", catalog.variant_skus),
                        ("location", inventory.location_names), ("order", orders.order_numbers),
                        ("return", orders.return_orders), ("order_line", orders.line_skus),
                        ("return_line", orders.return_line_skus), ("store", stores.store_names),
                        ("listing", listings.listing_names)):
        audit.name_rows(kind, namer)
    audit.label_values("platform", stores.platform_label)
    audit.label_values("reason", fulfillment.reason_label)
    audit.label_values("methods", payments.method_label)
    audit.label_values("keys_changed", payments.key_label)
    audit.label_values("shipping_mode", website.shipping_mode_label)
    audit.label_values("shipping_keys_changed", shipping.setting_label)
    audit.label_values("courier_services", shipping.services_label)
    # a stock movement made for an order names it
    inventory.name_references("order", orders.order_numbers)

    # outbound webhooks: what happened, once committed, goes to the seller's endpoints (a job sends it)
    subscribe_batch(orders.OrderCreated, webhooks.relay("order.created"))
    subscribe_batch(orders.OrderStatusChanged, webhooks.relay("order.status_changed"))
    subscribe_batch(orders.ShipmentUpdated, webhooks.relay("shipment.updated"))
    subscribe_batch(inventory.AvailableChanged, webhooks.relay("stock.changed"))
    subscribe_batch(catalog.ProductChanged, webhooks.relay("product.updated"))

    # an order cancelled with its courier booked: a job cancels the booking at the courier
    subscribe(orders.OrderStatusChanged, shipping.on_order_status_changed)
    # plan limits: a new store, member or location is refused at the plan's limit (never an order)
    subscribe(Adding, billing.refuse_over_limit)
    # orders placed or changed: their days' money rollups are recomputed; a completed marketplace
    # order's settlement is asked for (jobs, enqueued after the commit)
    subscribe(orders.OrdersChanged, money.on_orders_changed)
    # the audit trail names the API key that acted (REST API calls and their changes)
    audit.name_rows("api_key", platform_api.key_names)
    # the plan's monthly API calls: refused at the limit (429), each answered call counted
    platform_api.set_call_allowance(billing.check_api_call)
    platform_api.on_api_call(billing.count_api_call)
    # an abandoned-cart reminder asks the website whether the cart still holds items
    marketing.register_cart_check(website.cart_holds_items)

    # kept pages (app/core/page_cache.py): what changes without a write request of the organisation
    # (order ingest, webhooks and jobs, stock moved by them, prices and offers pushed) makes its pages
    # render afresh; jobs also do when they start and end (tasks/lifecycle.py)
    for event_type in (orders.OrderCreated, orders.OrderStatusChanged, orders.ShipmentUpdated,
                       inventory.AvailableChanged, catalog.ProductChanged):
        subscribe_batch(event_type, bump_events)
    for announced in (orders.OrdersChanged, catalog.CatalogPricesChanged, stores.StoreOfferChanged,
                      stores.StorePricesWanted):
        subscribe(announced, bump_event)
