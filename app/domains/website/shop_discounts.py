"""The checkout's discount preview: the buyer's voucher codes priced on their cart before paying
(an htmx swap of the summary, or the whole checkout page without JavaScript)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Template

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
        offer = await discounts.offer_for(shop, {"voucher": form.get("voucher", "")}, lines, option["fee"], buyer)
    except marketing.VoucherRefused as exc:
        offer, errors = discounts.Offer(marketing.NO_VOUCHER), exc.errors
    try:
        offer = await discounts.offer_for(shop, {"vouchers": offer.vouchers.codes, "points": form.get("points", "")},
                                          lines, option["fee"], buyer)
    except marketing.PointsRefused as exc:
        errors.update(exc.errors)
    customer = marketing.customer_of(buyer["phone"], buyer["email"])
    return {"subtotal": cart.subtotal, "fee": option["fee"], "items_off": offer.vouchers.items_off,
            "shipping_off": offer.vouchers.shipping_off, "codes": offer.vouchers.codes, "errors": errors,
            "points": offer.points, "points_off": offer.points_off,
            "balance": await marketing.balance_of(shop.tenant, customer) if customer else None,
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
        if request.headers.get("hx-request"):
            return shop_page(request, shop, "shop/_discount.html", summary=summary, form=form, errors={}, private=True,
                         points_offered=await _points_offered(shop))
        places = region_choices(form)
        return shop_page(request, shop, "shop/checkout.html", cart=cart, form=form, errors={}, places=places,
                     options=checkout.shipping_options(shop, places["chosen"]["province"]),
                     methods=await payment_port.enabled_methods(shop.organization_id), summary=summary,
                     total=summary["total"] if summary else 0, private=True,
                     points_offered=await _points_offered(shop))

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
