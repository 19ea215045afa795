"""Orders: one queue for every channel. Marketplace orders arrive through the sync engine
(webhook, scheduled fetch), manual orders are typed in; stock follows the order's state."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.orders.audience import CustomerFilter as CustomerFilter
    from app.domains.orders.audience import chooses_any as chooses_any
    from app.domains.orders.audience import chosen_customers as chosen_customers
    from app.domains.orders.audience import count_customers as count_customers
    from app.domains.orders.customers import customer_names as customer_names
    from app.domains.orders.customers import list_customers as list_customers
    from app.domains.orders.customers import normalize_email as normalize_email
    from app.domains.orders.customers import normalize_phone as normalize_phone
    from app.domains.orders.customers import postal_code_of as postal_code_of
    from app.domains.orders.discounts import add_seller_discount as add_seller_discount
    from app.domains.orders.discounts import customer_spend as customer_spend
    from app.domains.orders.discounts import email_on_file as email_on_file
    from app.domains.orders.discounts import has_customer as has_customer
    from app.domains.orders.discounts import order_id_by_number as order_id_by_number
    from app.domains.orders.discounts import order_states as order_states
    from app.domains.orders.discounts import orders_in_states as orders_in_states
    from app.domains.orders.events import OrderCreated as OrderCreated
    from app.domains.orders.events import OrdersChanged as OrdersChanged
    from app.domains.orders.events import OrderStatusChanged as OrderStatusChanged
    from app.domains.orders.events import ShipmentUpdated as ShipmentUpdated
    from app.domains.orders.fetch import fetch_notified_order as fetch_notified_order
    from app.domains.orders.fetch import ingest_orders as ingest_orders
    from app.domains.orders.labels import line_skus as line_skus
    from app.domains.orders.labels import order_numbers as order_numbers
    from app.domains.orders.labels import return_line_skus as return_line_skus
    from app.domains.orders.labels import return_orders as return_orders
    from app.domains.orders.page import MAX_SELECTED as MAX_SELECTED
    from app.domains.orders.page import on_order_page as on_order_page
    from app.domains.orders.page import order_page as order_page
    from app.domains.orders.reads import NOT_SALES as NOT_SALES
    from app.domains.orders.reads import SoldLine as SoldLine
    from app.domains.orders.reads import api_order_page as api_order_page
    from app.domains.orders.reads import count_placed_since as count_placed_since
    from app.domains.orders.reads import order_store as order_store
    from app.domains.orders.reads import placed_per_day as placed_per_day
    from app.domains.orders.reads import placed_range as placed_range
    from app.domains.orders.reads import placed_times as placed_times
    from app.domains.orders.reads import sales_summary as sales_summary
    from app.domains.orders.reads import sold_lines as sold_lines
    from app.domains.orders.reads import store_orders as store_orders
    from app.domains.orders.reads import work_counts as work_counts
    from app.domains.orders.remap import Resolved as Resolved
    from app.domains.orders.remap import listings_with_waiting_lines as listings_with_waiting_lines
    from app.domains.orders.remap import resolve_listing_lines as resolve_listing_lines
    from app.domains.orders.remap import waiting_units as waiting_units
    from app.domains.orders.returns import open_return as open_return
    from app.domains.orders.returns import returns_of as returns_of
    from app.domains.orders.services import ChannelLine as ChannelLine
    from app.domains.orders.services import OrderDetail as OrderDetail
    from app.domains.orders.services import OrderSummary as OrderSummary
    from app.domains.orders.services import SummaryLine as SummaryLine
    from app.domains.orders.services import create_manual_order as create_manual_order
    from app.domains.orders.services import get_order as get_order
    from app.domains.orders.services import order_summary as order_summary
    from app.domains.orders.services import place_channel_order as place_channel_order
    from app.domains.orders.services import record_event as record_event
    from app.domains.orders.services import record_tracking as record_tracking
    from app.domains.orders.services import start_picking as start_picking
    from app.domains.orders.services import transition as transition
    from app.domains.orders.statuses import OrderState as OrderState
    from app.domains.orders.warehouse import LabelRow as LabelRow
    from app.domains.orders.warehouse import ListedOrder as ListedOrder
    from app.domains.orders.warehouse import PickSum as PickSum
    from app.domains.orders.warehouse import ReadyOrder as ReadyOrder
    from app.domains.orders.warehouse import WarehouseOrder as WarehouseOrder
    from app.domains.orders.warehouse import label_rows as label_rows
    from app.domains.orders.warehouse import line_quantities as line_quantities
    from app.domains.orders.warehouse import listed_orders as listed_orders
    from app.domains.orders.warehouse import lock_order as lock_order
    from app.domains.orders.warehouse import orders_numbered as orders_numbered
    from app.domains.orders.warehouse import pack_items as pack_items
    from app.domains.orders.warehouse import packed_orders as packed_orders
    from app.domains.orders.warehouse import pick_sums as pick_sums
    from app.domains.orders.warehouse import platform_lines as platform_lines
    from app.domains.orders.warehouse import ready_orders as ready_orders
    from app.domains.orders.warehouse import warehouse_counts as warehouse_counts
    from app.domains.orders.warehouse import warehouse_order as warehouse_order
    from app.domains.orders.warehouse import warehouse_orders as warehouse_orders
else:
    __getattr__ = lazy_exports(__name__, __file__)
