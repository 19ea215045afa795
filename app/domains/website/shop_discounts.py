"""The checkout's discount preview: the buyer's voucher codes priced on their cart before paying
(an htmx swap of the summary, or the whole checkout page without JavaScript)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Template

from app.core.auth import client_ip
from app.core.errors import Throttled
from app.core.i18n import _
from app.core.web import form_data
from app.domains import marketing
from app.domains.orders import ChannelLine, normalize_email, normalize_phone
from app.domains.website import carts, checkout, discounts, payment_port, regions
from app.domains.website.shop import Shop
from app.domains.website.storefront import current_cart, region_choices, shop_base, shop_for, shop_page


async def preview(shop: Shop, cart: carts.CartView, form: dict[str, str]) -> dict[str, Any]:
    """The cart's subtotal, shipping, what the codes take off and the total; `error` names a refused code.
    Shipping is priced as at checkout: the seller's rate, or a courier's live rate once the village is known."""
    lines = [ChannelLine(ln.variant_id, ln.sku, ln.name, ln.quantity, ln.price) for ln in cart.lines]
    place = regions.address_of(form.get("village", ""))
    options = {o["id"]: o for o in await checkout.shipping_choices(
        shop, place.province.code if place else form.get("province", ""), place.village.postal_code if place else "",
        [(ln.variant_id, ln.quantity, ln.price) for ln in cart.lines])}
    option = options.get(form.get("shipping", "")) or next(iter(options.values()))
    buyer = {"phone": normalize_phone(form.get("phone", "")), "email": normalize_email(form.get("email", ""))}
    errors: dict[str, str] = {}
    try:
        offer = await discounts.offer_for(shop, {"voucher": form.get("voucher", ""), "cart": cart.token or ""}, lines,
                                          option["fee"], buyer)
    except marketing.VoucherRefused as exc:
        offer, errors = discounts.Offer(marketing.NO_VOUCHER), exc.errors
    try:
        offer = await discounts.offer_for(shop, {"vouchers": offer.vouchers.codes, "points": form.get("points", ""),
                                                 "cart": cart.token or ""}, lines, option["fee"], buyer)
    except marketing.PointsRefused as exc:
        errors.update(exc.errors)
    customer = marketing.customer_of(buyer["phone"], buyer["email"])
    return {"subtotal": cart.subtotal, "fee": option["fee"], "items_off": offer.vouchers.items_off,
            "shipping_off": offer.vouchers.shipping_off, "codes": offer.vouchers.codes, "errors": errors,
            "points": offer.points, "points_off": offer.points_off,
            # shown only to a cart that proved with the mailed code that these points are the buyer's
            "balance": await marketing.verified_balance(shop.tenant, cart.token or "", customer),
            "total": cart.subtotal + option["fee"] - offer.discount}


class ShopDiscountController(Controller):
    path = "/shop/{slug:str}"
    opt = {"public": True}
    include_in_schema = False

    @post("/checkout/preview", name="shop:checkout-preview")
    async def preview(self, request: Request, slug: str) -> Template:
        shop = await shop_for(request, slug)
        form = await form_data(request)
        cart = await current_cart(request, shop)
        summary = await preview(shop, cart, form) if cart.lines else None
        if summary and cart.token:  # a contact left here: the cart may get a reminder (marketing)
            await marketing.note_cart_contact(
                shop.tenant, await carts.resolve_cart_id(shop, cart.token), email=normalize_email(form.get("email", "")),
                phone=normalize_phone(form.get("phone", "")), link=f"{shop_base(request, shop)}/checkout")
        return await _discount_box(request, shop, cart, form, summary)

    @post("/checkout/points-code", name="shop:points-code")
    async def points_code(self, request: Request, slug: str) -> Template:
        """"Send me a code": a code for the typed number's points, mailed to the address on file for it."""
        shop = await shop_for(request, slug)
        form = await form_data(request)
        cart = await current_cart(request, shop)
        try:
            sent_to = await marketing.request_points_code(
                shop.tenant, cart_token=cart.token or "", phone=normalize_phone(form.get("phone", "")),
                email=normalize_email(form.get("email", "")), shop_name=shop.title, ip=client_ip(request))
        except (marketing.PointsRefused, Throttled) as exc:
            return await _discount_box(request, shop, cart, form, None, points_error=_refusal(exc),
                                       status_code=exc.status_code)
        notice = _("We sent a code to %(address)s. Type it below (it is valid for 10 minutes).", address=sent_to)
        return await _discount_box(request, shop, cart, form, None, points_notice=notice, code_sent=True)

    @post("/checkout/points-verify", name="shop:points-verify")
    async def points_verify(self, request: Request, slug: str) -> Template:
        """The code typed back: right, this cart sees and may spend the number's points for a while."""
        shop = await shop_for(request, slug)
        form = await form_data(request)
        cart = await current_cart(request, shop)
        try:
            await marketing.verify_points_code(
                shop.tenant, cart_token=cart.token or "", phone=normalize_phone(form.get("phone", "")),
                email=normalize_email(form.get("email", "")), code=form.get("points_code", ""))
        except marketing.PointsRefused as exc:
            return await _discount_box(request, shop, cart, {**form, "points_code": ""}, None,
                                       points_error=_refusal(exc), code_sent=True, status_code=exc.status_code)
        summary = await preview(shop, cart, form) if cart.lines else None
        return await _discount_box(request, shop, cart, {**form, "points_code": ""}, summary,
                                   points_notice=_("Confirmed: these points are yours to use."))

    @get("/orders/{token:str}/points", name="shop:order-points")
    async def order_points(self, request: Request, slug: str, token: str) -> Template:
        """The buyer's points on their order's status page (a lazy fragment): the balance, what
        this order earned or will earn, what it spent."""
        shop = await shop_for(request, slug)
        order = await checkout.order_by_token(shop, token)
        prog = await marketing.programme(shop.tenant)
        customer = marketing.customer_of(order.customer_phone, order.customer_email)
        lines = await marketing.order_points(shop.tenant, order.id)
        expected = prog.points_for(order.total, None) if prog.enabled and "website" in prog.channels else 0
        return shop_page(request, shop, "shop/_order_points.html", private=True, lines=lines, expected=expected,
                     balance=await marketing.balance_of(shop.tenant, customer) if customer else 0,
                     enabled=prog.enabled, state=order.state)


async def _points_offered(shop: Shop) -> bool:
    return (await marketing.programme(shop.tenant)).enabled


def _refusal(exc: marketing.PointsRefused | Throttled) -> str:
    return getattr(exc, "errors", {}).get("points") or exc.message


async def _discount_box(request: Request, shop: Shop, cart: carts.CartView, form: dict[str, str],
                        summary: dict[str, Any] | None, *, status_code: int = 200, **points: Any) -> Template:
    """The voucher and points box (an htmx swap, always 200 so that it is swapped), or the whole checkout
    page with it (the answer's status without JavaScript). `points`: points_notice, points_error, code_sent."""
    if request.headers.get("hx-request"):
        return shop_page(request, shop, "shop/_discount.html", summary=summary, form=form, errors={}, private=True,
                         points_offered=await _points_offered(shop), **points)
    places = region_choices(form)
    return shop_page(request, shop, "shop/checkout.html", cart=cart, form=form, errors={}, places=places,
                     options=checkout.shipping_options(shop, places["chosen"]["province"]),
                     methods=await payment_port.enabled_methods(shop.organization_id), summary=summary,
                     total=summary["total"] if summary else cart.subtotal, private=True,
                     points_offered=await _points_offered(shop), status_code=status_code, **points)
