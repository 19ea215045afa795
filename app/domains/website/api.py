"""The storefront JSON API for headless shops (issue 12's contract; in the OpenAPI schema at
/schema). Same services as the HTML shop; CORS as the seller allows; errors as JSON
{"detail", "errors"} with the status code (404, 409, 422, 429)."""

from __future__ import annotations

from typing import Any, cast

from litestar import Controller, Request, delete, get, post, put
from litestar.response import Response
from pydantic import BaseModel, Field

from app.core.auth import client_ip
from app.core.errors import AppError, NotFound, ValidationFailed
from app.core.i18n import _, current_locale
from app.domains import marketing
from app.domains.orders import normalize_email, normalize_phone
from app.domains.website import carts, checkout, regions
from app.domains.website import shop as shops
from app.domains.website.shop import Shop


class VariantOut(BaseModel):
    id: int
    sku: str
    name: str
    price: int = Field(description="Rupiah, the website price.")
    available: int = Field(description="Units the website is offered right now.")


class ProductOut(BaseModel):
    id: int
    name: str
    category: str
    description: str
    images: list[str]
    price: int
    variants: list[VariantOut]


class ProductPage(BaseModel):
    items: list[ProductOut]
    page: int
    next_page: int | None


class RegionOut(BaseModel):
    code: str
    name: str
    postal_code: str | None = None


class CartLineIn(BaseModel):
    quantity: int = Field(ge=1, le=carts.MAX_QUANTITY)


class CartOut(BaseModel):
    token: str
    lines: list[dict[str, Any]]
    subtotal: int
    count: int


class PointsCodeOut(BaseModel):
    sent_to: str = Field(description="The e-mail address on file the code went to, masked (b***@gmail.com).")


class PointsVerifiedOut(BaseModel):
    balance: int = Field(description="The customer's points; this cart may spend them for 30 minutes.")


class CheckoutOut(BaseModel):
    order_number: str
    amount_due: int
    status_url: str
    payment: dict[str, Any]


def cors_headers(request: Request, shop: Shop | None, headers: dict[str, str] | None = None) -> dict[str, str]:
    return cors_for(request.headers.get("origin", ""), shop, headers)


def cors_for(origin: str, shop: Shop | None, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The CORS headers for a request from `origin` to this shop's API (none for an origin the
    seller did not allow)."""
    headers = dict(headers or {})
    if shop is not None and origin and origin.lower().rstrip("/") in shop.cors_origins:
        headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
                        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"})
    return headers


def _json(request: Request, shop: Shop | None, content: Any, status_code: int = 200) -> Response:
    return Response(content, status_code=status_code, media_type="application/json", headers=cors_headers(request, shop))


def api_error(request: Request, exc: AppError) -> Response:
    shop = cast("Shop | None", request.scope.get("storefront_shop"))
    errors = getattr(exc, "errors", None) or ({} if exc.status_code != 422 else {"body": exc.message})
    return Response({"detail": exc.message, "errors": errors}, status_code=exc.status_code,
                    media_type="application/json", headers=cors_headers(request, shop))


async def _shop(request: Request, slug: str) -> Shop:
    current_locale.set("id" if request.query_params.get("lang") != "en" else "en")
    found = await shops.shop_by_slug(slug)
    request.scope["storefront_shop"] = found  # type: ignore[typeddict-unknown-key]
    return found


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except Exception:
        raise ValidationFailed({"body": _("Send a JSON object.")}) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": _("Send a JSON object.")})
    return data


async def _cart(shop: Shop, token: str) -> str:
    await carts.resolve_cart_id(shop, token)  # NotFound for any other token
    return token


class StorefrontApiController(Controller):
    """Products, regions, carts, checkout and the buyer's order of one shop."""

    path = "/api/storefront/{shop:str}"
    opt = {"public": True}
    tags = ["storefront"]
    include_in_schema = True
    exception_handlers = {AppError: api_error}

    @get("/products", name="storefront-api:products", summary="A page of the shop's products")
    async def products(self, request: Request, shop: str, page: int = 1, q: str = "",
                       category: str = "") -> ProductPage:
        found = await _shop(request, shop)
        rows, more = await shops.list_products(found, q=q, category=category, page=page)
        return _json(request, found, {"items": rows, "page": page, "next_page": page + 1 if more else None})  # type: ignore[return-value]

    @get("/products/{product_id:int}", name="storefront-api:product", summary="One product with its variants")
    async def product(self, request: Request, shop: str, product_id: int) -> ProductOut:
        found = await _shop(request, shop)
        return _json(request, found, await shops.product(found, product_id))  # type: ignore[return-value]

    @get("/regions", name="storefront-api:regions",
         summary="Children of a region: provinces for an empty parent, postal codes on villages")
    async def regions(self, request: Request, shop: str, parent: str = "") -> list[RegionOut]:
        found = await _shop(request, shop)
        rows = regions.children(parent)
        if parent and not rows and regions.region(parent) is None:
            raise NotFound(_("Unknown region code."))
        return _json(request, found, [{"code": r.code, "name": r.name, **({"postal_code": r.postal_code}
                                                                             if r.postal_code else {})}
                                      for r in rows])  # type: ignore[return-value]

    @post("/cart", name="storefront-api:cart-create", summary="A new cart; keep its token")
    async def create_cart(self, request: Request, shop: str) -> CartOut:
        found = await _shop(request, shop)
        token = await carts.create_cart(found)
        return _json(request, found, await carts.get_cart(found, token), 201)  # type: ignore[return-value]

    @get("/cart/{token:str}", name="storefront-api:cart", summary="The cart, priced now")
    async def cart(self, request: Request, shop: str, token: str) -> CartOut:
        found = await _shop(request, shop)
        return _json(request, found, await carts.get_cart(found, token))  # type: ignore[return-value]

    @put("/cart/{token:str}/lines/{variant_id:int}", name="storefront-api:cart-line",
         summary="Set a line's quantity (JSON {quantity})")
    async def set_line(self, request: Request, shop: str, token: str, variant_id: int) -> CartOut:
        found = await _shop(request, shop)
        data = await _body(request)
        return _json(request, found, await carts.set_line(found, token, variant_id, data.get("quantity")))  # type: ignore[return-value]

    @delete("/cart/{token:str}/lines/{variant_id:int}", name="storefront-api:cart-line-remove", status_code=200,
            summary="Remove a line")
    async def remove_line(self, request: Request, shop: str, token: str, variant_id: int) -> CartOut:
        found = await _shop(request, shop)
        return _json(request, found, await carts.remove_line(found, token, variant_id))  # type: ignore[return-value]

    @post("/cart/{token:str}/points-code", name="storefront-api:points-code", status_code=202,
          summary="Mail a code for the points of {phone} (JSON {phone, email}) to the e-mail address on file")
    async def points_code(self, request: Request, shop: str, token: str) -> PointsCodeOut:
        """The code goes to the address of the customer's last completed order, never to one typed here;
        422 on "points" when the number has no points online (the same answer for any stranger), 429 too often."""
        found = await _shop(request, shop)
        data, cart = await _body(request), await _cart(found, token)
        sent_to = await marketing.request_points_code(
            found.tenant, cart_token=cart, phone=normalize_phone(str(data.get("phone") or "")),
            email=normalize_email(str(data.get("email") or "")), shop_name=found.title, ip=client_ip(request))
        return _json(request, found, {"sent_to": sent_to}, 202)  # type: ignore[return-value]

    @post("/cart/{token:str}/points-verify", name="storefront-api:points-verify",
          summary="The code from the e-mail (JSON {phone, email, code}): the cart may then spend the points")
    async def points_verify(self, request: Request, shop: str, token: str) -> PointsVerifiedOut:
        """Five wrong codes void it; right, a checkout of this cart (`cart`: token) may spend the points for
        30 minutes, until its order is placed."""
        found = await _shop(request, shop)
        data, cart = await _body(request), await _cart(found, token)
        balance = await marketing.verify_points_code(
            found.tenant, cart_token=cart, phone=normalize_phone(str(data.get("phone") or "")),
            email=normalize_email(str(data.get("email") or "")), code=str(data.get("code") or ""))
        return _json(request, found, {"balance": balance})  # type: ignore[return-value]

    @post("/checkout", name="storefront-api:checkout", status_code=201,
          summary="Place an order: 201, 409 short stock, 422 naming the field, 429 too many")
    async def checkout(self, request: Request, shop: str) -> CheckoutOut:
        """Spending points ("points") needs {"cart": token} of a cart verified with points-code and
        points-verify for the buyer's number; otherwise 422 on "points"."""
        found = await _shop(request, shop)
        placed = await checkout.checkout(found, await _body(request), ip=client_ip(request),
                                         base_url=str(request.base_url))
        placed.pop("token", None)
        return _json(request, found, placed, 201)  # type: ignore[return-value]

    @get("/orders/{token:str}", name="storefront-api:order", summary="The buyer's order, payment and shipping")
    async def order(self, request: Request, shop: str, token: str) -> dict[str, Any]:
        found = await _shop(request, shop)
        order = await checkout.order_by_token(found, token)
        view = {"order_number": order.platform_order_id, "state": order.state, "total": order.total,
                "amount_due": order.amount_due, "payment_method": order.payment_method,
                "payment": order.payment, "deadline": order.deadline.isoformat() if order.deadline else None,
                "lines": [{"variant_id": ln.variant, "sku": ln.seller_sku, "name": ln.title,
                           "quantity": ln.quantity, "price": ln.unit_price} for ln in order.lines],
                "shipping": {"fee": order.shipping_fee, "carrier": order.shipping_carrier,
                             "tracking_number": order.tracking_number},
                "address": {k: order.address.get(k, "") for k in ("line", "village", "district", "regency",
                                                                    "province", "postal_code")}}
        return _json(request, found, view)  # type: ignore[return-value]
