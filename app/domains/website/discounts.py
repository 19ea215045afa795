"""What a website order's discounts are: the buyer's voucher codes and the loyalty points they
spend (marketing's), priced for the checkout page before paying and claimed inside the order's
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domains import marketing
from app.domains.orders import ChannelLine
from app.domains.website.shop import Shop


@dataclass(frozen=True, slots=True)
class Offer:
    vouchers: marketing.Quote
    points: int = 0
    points_off: int = 0
    consent: bool = False  # the buyer ticked "send me offers"

    @property
    def discount(self) -> int:
        return self.vouchers.discount + self.points_off


def _lines(lines: Sequence[ChannelLine]) -> list[marketing.PricedLine]:
    return [marketing.PricedLine(ln.variant_id, ln.quantity, ln.unit_price) for ln in lines]


def codes_of(payload: dict[str, Any]) -> Any:
    """The codes a checkout carries: "vouchers" (a list, the JSON API) or "voucher" (the form's text)."""
    return payload.get("vouchers") if payload.get("vouchers") is not None else payload.get("voucher") or ""


async def offer_for(shop: Shop, payload: dict[str, Any], lines: Sequence[ChannelLine], fee: int,
                    buyer: dict[str, str]) -> Offer:
    """The vouchers' discount on these lines and this fee, then the points ("points") on what is left,
    only on a cart ("cart") verified for this buyer's points; VoucherRefused (422 on "voucher") or
    PointsRefused (422 on "points") with the reason."""
    quote = await marketing.quote(shop.tenant, codes_of(payload), _lines(lines), fee,
                                  customer=marketing.customer_key(buyer.get("phone", ""), buyer.get("email", "")),
                                  contacts=[buyer.get("phone", ""), buyer.get("email", "")])
    wanted = marketing.parse_points(payload.get("points"))
    consent = payload.get("marketing_consent") in (True, "on", "true", "1")
    if not wanted:
        return Offer(quote, consent=consent)
    left = sum(ln.unit_price * ln.quantity for ln in lines) + fee - quote.discount
    customer = marketing.customer_of(buyer.get("phone", ""), buyer.get("email", ""))
    # only a cart that proved, by the code mailed to the customer, whose points they are
    await marketing.require_verified(shop.tenant, cart_of(payload), customer)
    points, off = await marketing.points_offer(shop.tenant, customer, wanted, left)
    return Offer(quote, points, off, consent)


def cart_of(payload: dict[str, Any]) -> str:
    """The cart token a checkout carries ('' for one by lines): the session points are verified on."""
    cart = payload.get("cart")
    return cart if isinstance(cart, str) else ""


async def placed(shop: Shop, payload: dict[str, Any]) -> None:
    """After the order's commit: the cart's points verification is spent (the next order asks again)."""
    await marketing.forget_verification(shop.tenant, cart_of(payload))


async def claim(shop: Shop, offer: Offer, order_id: int, buyer: dict[str, str], total: int) -> None:
    """Claim the offer in the order's transaction (VoucherRefused / PointsRefused when a racing checkout was first).
    The vouchers come last: their usage counters are rows every checkout with the code locks until the commit."""
    customer = marketing.customer_of(buyer["phone"], buyer["email"])
    if offer.points:
        await marketing.redeem_points(shop.tenant, customer, offer.points, order_id,
                                      await marketing.programme(shop.tenant))
    if offer.consent:
        for channel, address in (("email", buyer["email"]), ("whatsapp", buyer["phone"])):
            await marketing.record_consent(shop.tenant, customer, channel=channel, address=address,
                                           source="website checkout")
    if offer.vouchers.applied:
        await marketing.redeem(shop.tenant, offer.vouchers, order_id=order_id, order_total=total,
                               customer=marketing.customer_key(buyer["phone"], buyer["email"]))
