"""Marketing: vouchers the seller's buyers claim with a code at the website's checkout (or the
seller on a manual order) — their rules, their atomic usage counters and the uses, revenue and
discount each one gave; loyalty points (earned on completed orders, spent at the checkout, tiers,
expiry, every change a ledger line); customer segments; consent and campaigns (e-mail through the
outbox, WhatsApp lists)."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.marketing.campaigns import record_consent as record_consent
    from app.domains.marketing.errors import VoucherRefused as VoucherRefused
    from app.domains.marketing.loyalty import PointsRefused as PointsRefused
    from app.domains.marketing.loyalty import balance_of as balance_of
    from app.domains.marketing.loyalty import customer_of as customer_of
    from app.domains.marketing.loyalty import order_points as order_points
    from app.domains.marketing.loyalty import parse_points as parse_points
    from app.domains.marketing.loyalty import points_offer as points_offer
    from app.domains.marketing.loyalty import programme as programme
    from app.domains.marketing.loyalty import redeem_points as redeem_points
    from app.domains.marketing.loyalty import settle_points as settle_points
    from app.domains.marketing.points_access import forget_verification as forget_verification
    from app.domains.marketing.points_access import request_points_code as request_points_code
    from app.domains.marketing.points_access import require_verified as require_verified
    from app.domains.marketing.points_access import verified_balance as verified_balance
    from app.domains.marketing.points_access import verify_points_code as verify_points_code
    from app.domains.marketing.reminders import note_cart_contact as note_cart_contact
    from app.domains.marketing.reminders import register_cart_check as register_cart_check
    from app.domains.marketing.reminders import remind_abandoned_carts as remind_abandoned_carts
    from app.domains.marketing.vouchers import NO_VOUCHER as NO_VOUCHER
    from app.domains.marketing.vouchers import PricedLine as PricedLine
    from app.domains.marketing.vouchers import Quote as Quote
    from app.domains.marketing.vouchers import customer_key as customer_key
    from app.domains.marketing.vouchers import quote as quote
    from app.domains.marketing.vouchers import redeem as redeem
    from app.domains.marketing.vouchers import release_cancelled as release_cancelled
    from app.domains.marketing.vouchers import release_order as release_order
else:
    __getattr__ = lazy_exports(__name__, __file__)
