"""Checkout: from a cart (or lines) to an order of channel Website, its stock reserved through the
reservation path and its payment started after the commit. Prices, shipping and totals are the
server's; what a client sends besides variant ids and quantities is never read."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from app.core.clock import to_local, utcnow
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, Throttled, ValidationFailed
from app.core.i18n import _, deferred, deferred_label
from app.core.secrets import new_token, token_hash
from app.core.throttle import checkout_allowed
from app.domains.inventory import InsufficientStock, available_at_default_location, default_location
from app.domains.mail import queue_mail
from app.domains.orders import (
    ChannelLine,
    OrderSummary,
    normalize_email,
    normalize_phone,
    order_summary,
    place_channel_order,
    record_event,
)
from app.domains.shipping import ParcelLine, buyer_tracking, checkout_options
from app.domains.website import carts, discounts, payment_port, regions
from app.domains.website import shop as shops
from app.domains.website.shop import Shop
from app.domains.website.statuses import PaymentChoice
from app.domains.website.tables import WebsiteOrder

log = logging.getLogger(__name__)
PHONE = re.compile(r"^\+628\d{7,12}$")  # Indonesian mobile numbers: 08xx..., 9 to 14 digits


def shipping_options(shop: Shop, province_code: str = "") -> list[dict[str, Any]]:
    """The seller's own shipping rate for an address in this province."""
    return [{"id": "seller", "name": _("Shipping by the seller"), "fee": shop.shipping_fee(province_code), "eta": "",
             "cod_available": True, "cod_fee": 0}]


async def shipping_choices(shop: Shop, province_code: str, postal_code: str,
                           lines: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """The seller's own rate and the live rates (price, delivery estimate, COD) of the couriers the
    seller enabled, for lines of (variant id, quantity, unit price) sent to this postal code."""
    options = shipping_options(shop, province_code)
    if postal_code and lines:
        live = await checkout_options(shop.tenant, location_id=None, destination_postal=postal_code,
                                      lines=[ParcelLine(v, q, p) for v, q, p in lines])
        options += [{"id": o.id, "name": o.name, "fee": o.fee, "eta": o.eta, "cod_available": o.cod_available,
                     "cod_fee": o.cod_fee} for o in live]
    return options


def _lines(raw: Any) -> list[tuple[int, int]]:
    if not isinstance(raw, list) or not raw or len(raw) > carts.MAX_LINES:
        raise ValidationFailed({"lines": _("Add between 1 and %(n)s items.", n=carts.MAX_LINES)})
    merged: dict[int, int] = {}
    for index, item in enumerate(raw):
        try:
            vid, qty = int(item["variant_id"]), item["quantity"]
        except (TypeError, KeyError, ValueError):
            raise ValidationFailed({f"lines[{index}]": _("Each line needs a variant_id and a quantity.")}) from None
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= carts.MAX_QUANTITY:
            raise ValidationFailed({f"lines[{index}].quantity": _("Quantity must be between 1 and %(max)s.",
                                                                  max=carts.MAX_QUANTITY)})
        merged[vid] = merged.get(vid, 0) + qty
    return list(merged.items())


def validate_buyer(buyer: Any, address: Any) -> tuple[dict[str, str], regions.Address, str]:
    """(buyer, address, street line) or ValidationFailed naming every bad field."""
    buyer = buyer if isinstance(buyer, dict) else {}
    address = address if isinstance(address, dict) else {}
    errors: dict[str, str] = {}
    name = str(buyer.get("name") or "").strip()
    if not 2 <= len(name) <= 200:
        errors["buyer.name"] = _("Type your name (2 to 200 characters).")
    phone = normalize_phone(str(buyer.get("phone") or ""))
    if not PHONE.match(phone):
        errors["buyer.phone"] = _("Type a WhatsApp number like 0812 3456 7890.")
    raw_email = str(buyer.get("email") or "").strip()
    email = normalize_email(raw_email)
    if raw_email and (not email or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        errors["buyer.email"] = _("Type an e-mail address like nama@contoh.id, or leave it empty.")
    line = str(address.get("line") or "").strip()
    if not 5 <= len(line) <= 300:
        errors["address.line"] = _("Type the street, house number and RT/RW (5 to 300 characters).")
    place = regions.address_of(str(address.get("village_code") or ""))
    if place is None:
        errors["address.village_code"] = _("Choose the province, regency, district and village of the address.")
    if errors:
        raise ValidationFailed(errors)
    assert place is not None
    return {"name": name, "phone": phone, "email": email}, place, line


async def checkout(shop: Shop, payload: dict[str, Any], *, ip: str, base_url: str) -> dict[str, Any]:
    """Place an order from {"cart": token} or {"lines": [...]}, with buyer, address, shipping and
    payment_method. Raises ValidationFailed (422, naming the field), NotFound (a variant not sold
    here), Conflict (409: short stock, nothing reserved), Throttled (429)."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"body": _("Send a JSON object.")})
    cart_token = payload.get("cart") if isinstance(payload.get("cart"), str) else None
    if cart_token:
        wanted = await carts.cart_lines(shop, cart_token)
        if not wanted:
            raise ValidationFailed({"cart": _("The cart is empty.")})
    else:
        wanted = _lines(payload.get("lines"))
    buyer, place, street = validate_buyer(payload.get("buyer"), payload.get("address"))
    method = payload.get("payment_method")
    payment_settings = await payment_port.checkout_settings(shop.organization_id)  # read once, used again below
    if method not in payment_port.methods_of(payment_settings):
        raise ValidationFailed({"payment_method": _("Choose a payment method this shop offers.")})
    if not await checkout_allowed(ip, buyer["phone"]):
        raise Throttled(_("Too many orders from here in a short time; wait a minute and try again."))
    # read once: the stock offered and the stock the order reserves are the same location's
    # (and the default location and its stock are one statement)
    location, stock = await available_at_default_location(shop.tenant, [vid for vid, _q in wanted])
    if location is None:  # no warehouse yet: default_location makes it (with no stock: `stock` is empty)
        location = (await default_location(shop.tenant))["id"]
    variants = await shops.sellable(shop, [vid for vid, _q in wanted], location, stock)
    lines = []
    for vid, quantity in wanted:
        variant = variants.get(vid)
        if variant is None:
            raise NotFound(_("A product in the order is not sold here any more."))
        if quantity > variant["available"]:
            raise Conflict(_("Only %(n)s left of %(name)s; change the quantity and try again.",
                             n=variant["available"], name=variant["title"]) if variant["available"] else
                           _("%(name)s is sold out; remove it and try again.", name=variant["title"]))
        lines.append(ChannelLine(vid, variant["sku"], variant["title"], quantity, variant["price"]))
    options = {o["id"]: o for o in await shipping_choices(
        shop, place.province.code, place.village.postal_code, [(ln.variant_id, ln.quantity, ln.unit_price) for ln in lines])}
    shipping_id = payload.get("shipping") or next(iter(options))
    if shipping_id not in options:
        raise ValidationFailed({"shipping": _("Choose one of the shipping options.")})
    cod = method == "cod"
    if cod and not options[shipping_id]["cod_available"]:
        raise ValidationFailed({"shipping": _("%(courier)s does not collect cash on delivery: choose another courier "
                                              "or another payment method.", courier=options[shipping_id]["name"])})
    # a free-shipping voucher covers the courier's price, never the COD fee
    offer = await discounts.offer_for(shop, payload, lines, options[shipping_id]["fee"], buyer)
    fee = options[shipping_id]["fee"] + (options[shipping_id]["cod_fee"] if cod else 0)
    total = sum(ln.unit_price * ln.quantity for ln in lines) + fee - offer.discount
    deadline = None if cod else utcnow() + timedelta(hours=shop.hold_hours)
    token = new_token()
    address = {"full_address": f"{street}, {place.village.name}, {place.district.name}, {place.regency.name}, "
                               f"{place.province.name} {place.village.postal_code}".strip(),
               "line": street, **place.as_dict(), "shipping": shipping_id}
    try:
        async with transaction():
            order_id, number = await place_channel_order(
                shop.tenant, channel="website", number_prefix="W-", lines=lines, customer_name=buyer["name"],
                phone=buyer["phone"], email=buyer["email"], address=address, shipping_fee=fee, paid=cod,
                cash_on_delivery=cod, discount=offer.discount, location_id=location)
            if deadline is not None:  # the seller's order page says until when the stock is held
                await record_event(shop.tenant, order_id, "status", deferred(
                    "Waiting for payment (%(method)s) until %(when)s; then cancelled and its stock released.",
                    method=deferred_label(PaymentChoice(method)) if method in set(PaymentChoice) else method,
                    when=to_local(deadline, shop.timezone).strftime("%Y-%m-%d %H:%M %Z")))
            await WebsiteOrder.insert(WebsiteOrder(organization=shop.organization_id, order=order_id,
                                                   token_hash=token_hash(token), payment_method=method,
                                                   amount_due=total,
                                                   deadline=deadline))
            # last: a voucher's usage counter is one row every checkout updates, locked until the commit
            await discounts.claim(shop, offer, order_id, buyer, total)
    except InsufficientStock:
        raise Conflict(_("Sorry, someone was faster: not enough stock left for this order. Nothing was reserved."
                         )) from None
    await discounts.placed(shop, payload)
    status_url = f"{base_url.rstrip('/')}/shop/{shop.slug}/orders/{token}"
    payment = await _start_payment(shop, order_id, number, total, method, buyer, deadline or utcnow(), status_url,
                                   payment_settings)
    amount_due = int(payment.get("amount_due") or total)
    await shop.tenant.scoped(WebsiteOrder).update({WebsiteOrder.payment: payment, WebsiteOrder.amount_due: amount_due}
                                                  ).where(WebsiteOrder.order == order_id)
    if cart_token:
        await carts.empty_cart(shop, cart_token)
    if buyer["email"]:
        await queue_mail(buyer["email"], _("Your order %(number)s at %(shop)s", number=number, shop=shop.title),
                         _("Thank you for your order %(number)s.\n\nAmount to pay: Rp %(amount)s\n"
                           "Follow your order here: %(url)s\n", number=number, amount=f"{amount_due:,}".replace(",", "."),
                           url=status_url), organization_id=shop.organization_id)
    return {"order_number": number, "amount_due": amount_due, "status_url": status_url, "payment": payment,
            "token": token}


async def _start_payment(shop: Shop, order_id: int, number: str, total: int, method: str, buyer: dict[str, str],
                         deadline: Any, finish_url: str, settings: Any) -> dict[str, Any]:
    try:
        return await payment_port.start_payment(
            shop.organization_id, order_id, number, total, method, buyer_name=buyer["name"],
            buyer_phone=buyer["phone"], buyer_email=buyer["email"] or None, deadline=deadline, finish_url=finish_url,
            new_order=True, settings=settings)
    except ValidationFailed:
        raise
    except Exception as exc:  # the gateway is down: the order stands, its payment waits (PaymentUnavailable)
        log.warning("payment of order %s could not start: %s", number, type(exc).__name__)
        return {"method": method, "status": "pending", "amount_due": total, "redirect_url": None,
                "instructions": {}, "unavailable": True}


@dataclass(frozen=True, slots=True)
class BuyerOrder(OrderSummary):
    """The buyer's order behind their secret link, with its payment and how to reach the seller."""

    payment: dict[str, Any]
    payment_method: str
    amount_due: int
    deadline: datetime | None
    expired: bool
    whatsapp_url: str = ""
    tracking: Any = None  # shipping's BuyerTracking once a courier is booked


async def order_by_token(shop: Shop, token: str) -> BuyerOrder:
    """The buyer's order behind their secret link, with its payment; NotFound for any other token."""
    if not token or len(token) > 100:
        raise NotFound(_("Order not found."))
    row = await shop.tenant.scoped(WebsiteOrder).select().where(WebsiteOrder.token_hash == token_hash(token)).output(
        load_json=True).first()
    summary = await order_summary(shop.tenant, row["order"]) if row else None
    if row is None or summary is None:
        raise NotFound(_("Order not found."))
    payment = await payment_port.payment_for_order(shop.organization_id, summary.id) or dict(row["payment"] or {})
    if summary.state == "cancelled" and payment.get("status") == "pending":
        payment["status"] = "cancelled"
    order = BuyerOrder(**{f.name: getattr(summary, f.name) for f in fields(OrderSummary)}, payment=payment,
                       payment_method=row["payment_method"], amount_due=row["amount_due"], deadline=row["deadline"],
                       expired=row["expired_at"] is not None)
    order = replace(order, tracking=await buyer_tracking(shop.tenant, order.id))
    return replace(order, whatsapp_url=whatsapp_url(shop, order)) if shop.whatsapp else order


def whatsapp_url(shop: Shop, order: BuyerOrder) -> str:
    items = "\n".join(f"- {line.title} × {line.quantity}" for line in order.lines)
    text = _("Hello %(shop)s, I ordered %(number)s:\n%(items)s\nTotal: Rp %(total)s\nName: %(name)s",
             shop=shop.title, number=order.platform_order_id, items=items,
             total=f"{order.amount_due:,}".replace(",", "."), name=order.customer_name)
    return f"https://wa.me/{shop.whatsapp}?text={quote(text)}"
