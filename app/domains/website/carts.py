"""Carts without accounts: a secret token (a cookie on the HTML shop, or the API client's) finds
the cart; lines hold variants and quantities only — prices are always read fresh, and a cart never
reserves stock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.clock import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.secrets import new_token, token_hash
from app.domains.website import shop as shops
from app.domains.website.shop import Shop
from app.domains.website.tables import Cart, CartLine

MAX_LINES = 50
MAX_QUANTITY = 999


@dataclass(frozen=True, slots=True)
class CartLineView:
    variant_id: int
    sku: str
    name: str
    quantity: int
    price: int
    line_total: int
    available: int
    image_url: str
    product_id: int


@dataclass(frozen=True, slots=True)
class CartView:
    """A cart priced now (token None: no cart yet)."""

    token: str | None
    lines: list[CartLineView] = field(default_factory=list)
    subtotal: int = 0
    count: int = 0


async def create_cart(shop: Shop) -> str:
    """A new empty cart of this shop; returns its token (kept only by the buyer)."""
    token = new_token()
    await Cart.insert(Cart(organization=shop.organization_id, token_hash=token_hash(token)))
    return token


async def resolve_cart_id(shop: Shop, token: str | None) -> int:
    if not token or len(token) > 100:
        raise NotFound(_("Cart not found."))
    row = await shop.tenant.scoped(Cart).select(Cart.id).where(Cart.token_hash == token_hash(token)).first()
    if row is None:
        raise NotFound(_("Cart not found."))
    return row["id"]


async def cart_exists(shop: Shop, token: str | None) -> bool:
    try:
        await resolve_cart_id(shop, token)
    except NotFound:
        return False
    return True


def _quantity(value: Any) -> int:
    try:
        quantity = int(value)
    except (TypeError, ValueError):
        quantity = 0
    if isinstance(value, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationFailed({"quantity": _("Quantity must be between 1 and %(max)s.", max=MAX_QUANTITY)})
    return quantity


async def set_line(shop: Shop, token: str, variant_id: int | str, quantity: Any, *, add: bool = False) -> CartView:
    """Set (or with add, increase) a line's quantity. A variant not on this shop is NotFound; more
    than the website offers is refused (ValidationFailed naming quantity)."""
    cart_id = await resolve_cart_id(shop, token)
    try:
        vid = int(variant_id)
    except (TypeError, ValueError):
        raise NotFound(_("Product not found.")) from None
    wanted = _quantity(quantity)
    variant = (await shops.sellable(shop, [vid])).get(vid)
    if variant is None:
        raise NotFound(_("Product not found."))
    tenant = shop.tenant
    line = await tenant.scoped(CartLine).select(CartLine.id, CartLine.quantity).where(
        (CartLine.cart == cart_id) & (CartLine.variant == vid)).first()
    total = wanted + (line["quantity"] if line and add else 0)
    if total > variant["available"]:
        raise ValidationFailed({"quantity": _("Only %(n)s left of %(name)s.", n=variant["available"],
                                             name=variant["title"]) if variant["available"] else
                                _("%(name)s is sold out.", name=variant["title"])})
    if line:
        await tenant.scoped(CartLine).update({CartLine.quantity: total}).where(CartLine.id == line["id"])
    else:
        if await tenant.scoped(CartLine).count().where(CartLine.cart == cart_id) >= MAX_LINES:
            raise ValidationFailed({"variant_id": _("A cart holds at most %(n)s items.", n=MAX_LINES)})
        await CartLine.insert(CartLine(organization=shop.organization_id, cart=cart_id, variant=vid, quantity=total))
    await tenant.scoped(Cart).update({Cart.updated_at: utcnow()}).where(Cart.id == cart_id)
    return await get_cart(shop, token)


async def remove_line(shop: Shop, token: str, variant_id: int | str) -> CartView:
    cart_id = await resolve_cart_id(shop, token)
    try:
        vid = int(variant_id)
    except (TypeError, ValueError):
        raise NotFound(_("Product not found.")) from None
    await shop.tenant.scoped(CartLine).delete().where((CartLine.cart == cart_id) & (CartLine.variant == vid))
    return await get_cart(shop, token)


async def cart_lines(shop: Shop, token: str) -> list[tuple[int, int]]:
    cart_id = await resolve_cart_id(shop, token)
    rows = await shop.tenant.scoped(CartLine).select(CartLine.variant, CartLine.quantity).where(
        CartLine.cart == cart_id).order_by(CartLine.id)
    return [(r["variant"], r["quantity"]) for r in rows]


async def get_cart(shop: Shop, token: str) -> CartView:
    """The cart priced now; lines no longer sold are dropped from the view."""
    lines = await cart_lines(shop, token)
    variants = await shops.sellable(shop, [v for v, _q in lines])
    view = []
    for vid, quantity in lines:
        v = variants.get(vid)
        if v is None:
            continue
        view.append(CartLineView(vid, v["sku"], v["title"], quantity, v["price"], v["price"] * quantity,
                                 v["available"], v["image_url"], v["product"]))
    return CartView(token, view, sum(line.line_total for line in view), sum(line.quantity for line in view))


async def empty_cart(shop: Shop, token: str) -> None:
    cart_id = await resolve_cart_id(shop, token)
    await shop.tenant.scoped(CartLine).delete().where(CartLine.cart == cart_id)


async def cart_holds_items(organization_id: int, cart_id: int) -> bool:
    """Marketing's question for a cart reminder: does this cart still hold items (no order emptied it)?"""
    return bool(await CartLine.exists().where((CartLine.organization == organization_id) & (CartLine.cart == cart_id)))
