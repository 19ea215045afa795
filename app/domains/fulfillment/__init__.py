"""Fulfillment: the warehouse tablet flow — pick lists, scan-to-pack, shipping through the store's
adapter (or a typed tracking number), labels, packing slips and the courier handover manifest."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.fulfillment.barcodes import code128_svg as code128_svg
    from app.domains.fulfillment.bulk import MAX_IDS as MAX_IDS
    from app.domains.fulfillment.bulk import BulkAction as BulkAction
    from app.domains.fulfillment.bulk import label_orders as label_orders
    from app.domains.fulfillment.bulk import run as run
    from app.domains.fulfillment.courier_handover import hand_over_to_courier as hand_over_to_courier
    from app.domains.fulfillment.platform_actions import CANCELLABLE as CANCELLABLE
    from app.domains.fulfillment.platform_actions import REASON_LABELS as REASON_LABELS
    from app.domains.fulfillment.platform_actions import CancelReason as CancelReason
    from app.domains.fulfillment.platform_actions import actions_of as actions_of
    from app.domains.fulfillment.platform_actions import cancel_reasons as cancel_reasons
    from app.domains.fulfillment.platform_actions import order_page_extras as order_page_extras
    from app.domains.fulfillment.platform_actions import reason_label as reason_label
    from app.domains.fulfillment.platform_actions import request_cancel as request_cancel
    from app.domains.fulfillment.platform_actions import request_ship as request_ship
    from app.domains.fulfillment.reads import ship_order as ship_order
    from app.domains.fulfillment.reads import shipment_page as shipment_page
    from app.domains.fulfillment.schemas import BulkOrdersForm as BulkOrdersForm
    from app.domains.fulfillment.schemas import OrderSelection as OrderSelection
    from app.domains.fulfillment.sender_port import PickupAddress as PickupAddress
    from app.domains.fulfillment.sender_port import register_pickup_addresses as register_pickup_addresses
else:
    __getattr__ = lazy_exports(__name__, __file__)
