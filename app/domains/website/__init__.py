"""Website: the seller's own shop at /shop/<slug> (or their domain), selling the catalog's products
from the same stock as the marketplaces. Settings and products on the website (services), the
storefront pages and JSON API, carts, checkout (an order of channel Website through orders, its
stock reserved through inventory's reservation path), the expiry of unpaid orders, and the seam to
payments (payment_port, issue 12's interface)."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other parts may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.website.carts import cart_holds_items as cart_holds_items
    from app.domains.website.lifecycle import expire_due as expire_due
    from app.domains.website.lifecycle import payment_settled as payment_settled
    from app.domains.website.payment_port import on_payment_settled as on_payment_settled
    from app.domains.website.services import keeps_last_units as keeps_last_units
    from app.domains.website.services import shipping_mode_label as shipping_mode_label
else:
    __getattr__ = lazy_exports(__name__, __file__)
