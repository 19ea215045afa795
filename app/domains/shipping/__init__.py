"""Shipping: couriers for the seller's own orders (website and manual) through a courier
aggregator — settings (key, services, origins per location, webhook receiver), live rates at
checkout (cached), bookings with waybills (retried when the courier is down), tracking from
webhooks and a polling safety net, and the order following its parcel (shipped, delivered, returned).
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.shipping.cancel import on_order_status_changed as on_order_status_changed
    from app.domains.shipping.configuration import pickup_addresses as pickup_addresses
    from app.domains.shipping.configuration import services_label as services_label
    from app.domains.shipping.configuration import setting_label as setting_label
    from app.domains.shipping.demo import seed_demo_shipping as seed_demo_shipping
    from app.domains.shipping.rates import CheckoutOption as CheckoutOption
    from app.domains.shipping.rates import ParcelLine as ParcelLine
    from app.domains.shipping.rates import checkout_options as checkout_options
    from app.domains.shipping.reads import BuyerTracking as BuyerTracking
    from app.domains.shipping.reads import buyer_tracking as buyer_tracking
else:
    __getattr__ = lazy_exports(__name__, __file__)
