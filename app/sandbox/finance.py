"""What the sandbox's marketplaces settle for an order: the fee breakdown of its escrow / statement.

The rates are plausible for Indonesian shops in 2026 (the platforms publish them per category and
change them often; these are the sandbox's own, not quoted from a price list). Every figure is
derived from the order and its id, so the same order always settles the same way:

- commission 8 % and service fee 4 % of the items after the seller's discount,
- transaction (payment) fee 2 % of what the buyer paid,
- campaign fee 3 % of the items for every other order, affiliate commission 5 % for one in four,
- shipping: the courier charges the buyer's fee plus 0-2,000; the platform rebates half of the
  difference; the seller pays the rest,
- the platform's voucher is paid back to the seller (the platform co-funds it),
- tax: 0.5 % of the items (Indonesia's final income tax withheld by marketplaces since 2025).

The settlement is estimated until the order is COMPLETED, final after; ``currency`` is per shop
(a test switches a shop to MYR to see StoreSync refuse it).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from app.sandbox.state import Order


@dataclass(frozen=True)
class Breakdown:
    items: int  # list price minus the seller's discount (what the items sold for)
    platform_voucher: int
    buyer_paid_shipping: int
    actual_shipping: int
    shipping_rebate: int
    commission: int
    service_fee: int
    transaction_fee: int
    campaign_fee: int
    affiliate_commission: int
    tax: int

    @property
    def settlement(self) -> int:
        return (self.items + self.platform_voucher + self.buyer_paid_shipping - self.actual_shipping
                + self.shipping_rebate - self.commission - self.service_fee - self.transaction_fee
                - self.campaign_fee - self.affiliate_commission - self.tax)

    @property
    def fees(self) -> int:
        return (self.commission + self.service_fee + self.transaction_fee + self.campaign_fee
                + self.affiliate_commission)


def percent(amount: int, rate_per_thousand: int) -> int:
    """``amount`` × rate ‰, rounded half up (platforms round fees to whole rupiah)."""
    return (amount * rate_per_thousand + 500) // 1000


def breakdown(order: Order) -> Breakdown:
    mark = zlib.crc32(order.order_id.encode())
    items = order.subtotal - order.seller_discount
    courier_extra = (mark % 3) * 1_000
    actual = order.shipping_fee + courier_extra
    return Breakdown(
        items=items,
        platform_voucher=order.platform_discount,
        buyer_paid_shipping=order.shipping_fee,
        actual_shipping=actual,
        shipping_rebate=courier_extra // 2,
        commission=percent(items, 80),
        service_fee=percent(items, 40),
        transaction_fee=percent(order.total, 20),
        campaign_fee=percent(items, 30) if mark % 2 == 0 else 0,
        affiliate_commission=percent(items, 50) if mark % 4 == 1 else 0,
        tax=percent(items, 5),
    )


def statement_day(order: Order) -> int | None:
    """The day (Unix seconds at 00:00 UTC+7) of the statement that paid the order, None while unpaid."""
    if order.completed_time is None:
        return None
    local = order.completed_time + 7 * 3600
    return local - local % 86400 - 7 * 3600
