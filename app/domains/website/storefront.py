"""The HTML shop at /shop/<slug> (and at the seller's own domain, see host_middleware): browse,
product page, cart (cookie token, no account), checkout with cascading region selects, the order
status page behind its secret link, sitemap and robots. Indonesian by default, English on request."""

from __future__ import annotations

import json
import time
from html import escape as html_escape
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, MediaType, Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Response, Template
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from app.core.auth import client_ip
from app.core.errors import AppError, NotFound, ValidationFailed
from app.core.i18n import current_locale
from app.core.web import form_data
from app.domains.website import carts, checkout, payment_port, regions
from app.domains.website import shop as shops
from app.domains.website.shop import Shop
from app.domains.website.statuses import PaymentChoice, PaymentState  # noqa: F401  (labels for the templates)

LANG_COOKIE = "shop_lang"
_PAGE_TTL = 3.0  # seconds a product's data (prices, stock hints) may be reused by this process
_products: dict[tuple[int, int], tuple[float, shops.ProductView]] = {}
_pages: dict[tuple[Any, ...], tuple[float, str]] = {}
_TOKEN_SLOT = "__csrf-token-slot-7f3a__"  # where each visitor's CSRF token goes into a reused page


def cart_cookie(shop: Shop) -> str:
    return f"shop_cart_{shop.id}"


def _locale(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE) or "id"
    locale = chosen if chosen in ("id", "en") else "id"
    current_locale.set(locale)
    return locale


async def shop_for(request: Request, slug: str) -> Shop:
    """The shop of this request, with the reader's language set first (its messages, even a
    404's, are in that language)."""
    _locale(request)
    return await shops.shop_by_slug(slug)


def shop_base(request: Request, shop: Shop) -> str:
    """The shop's canonical root: its own domain when the request came through it."""
    host = request.scope.get("shop_host")  # set by ShopHostMiddleware
    if host:
        return f"{request.url.scheme}://{host}"
    return f"{str(request.base_url).rstrip('/')}/shop/{shop.slug}"


def shop_page(request: Request, shop: Shop, template: str, *, status_code: int = 200, cookies: list[Cookie] | None = None,
          **context: Any) -> Template:
    locale = _locale(request)
    base = shop_base(request, shop)
    lang_cookie = [Cookie(key=LANG_COOKIE, value=locale, max_age=365 * 86400, samesite="lax", httponly=True)] \
        if request.query_params.get("lang") in ("id", "en") else []
    return Template(template_name=template, status_code=status_code, cookies=[*(cookies or []), *lang_cookie],
                    headers={"Vary": "HX-Request, Cookie", "Cache-Control": "no-store" if status_code != 200 or
                             context.pop("private", False) else "public, max-age=5"},
                    context={"shop": shop, "locale": locale, "base": base, "request": request,
                             "root": "" if request.scope.get("shop_host") else f"/shop/{shop.slug}", **context})


async def _cached_product(shop: Shop, product_id: int) -> shops.ProductView:
    key = (shop.organization_id, product_id)
    now = time.monotonic()
    hit = _products.get(key)
    if hit and hit[0] > now:
        return hit[1]
    product = await shops.product(shop, product_id)
    if len(_products) > 20_000:
        _products.clear()
    _products[key] = (now + _PAGE_TTL, product)
    return product


def _cart_token(request: Request, shop: Shop) -> str | None:
    return request.cookies.get(cart_cookie(shop))


async def current_cart(request: Request, shop: Shop) -> carts.CartView:
    token = _cart_token(request, shop)
    if token and await carts.cart_exists(shop, token):
        return await carts.get_cart(shop, token)
    return carts.CartView(None)


def region_choices(chosen: dict[str, str]) -> dict[str, Any]:
    """The four selects' options for the chosen codes, each kept only when it lies in the one
    above (a changed province clears the rest), and the village's postal code."""
    province = chosen.get("province", "")
    province = province if regions.region(province) and "." not in province else ""
    regency = chosen.get("regency", "") if province and chosen.get("regency", "").startswith(province + ".") else ""
    district = chosen.get("district", "") if regency and chosen.get("district", "").startswith(regency + ".") else ""
    village = chosen.get("village", "") if district and chosen.get("village", "").startswith(district + ".") else ""
    place = regions.address_of(village) if village else None
    return {"provinces": regions.children(""), "regencies": regions.children(province) if province else [],
            "districts": regions.children(regency) if regency else [],
            "villages": regions.children(district) if district else [],
            "chosen": {"province": province, "regency": regency, "district": district,
                       "village": village if place else ""},
            "postal_code": place.village.postal_code if place else ""}


class StorefrontController(Controller):
    path = "/shop/{slug:str}"
    opt = {"public": True}
    include_in_schema = False

    @get("/", name="shop:index")
    async def index(self, request: Request, slug: str, q: str = "", category: str = "", page: int = 1) -> Template:
        shop = await shop_for(request, slug)
        products, more = await shops.list_products(shop, q=q, category=category, page=page)
        cart = await current_cart(request, shop)
        query = {k: v for k, v in {"q": q, "category": category}.items() if v}
        if request.headers.get("hx-request") and request.headers.get("hx-target") == "product-grid":
            return shop_page(request, shop, "shop/_cards.html", products=products, more=more, page=page, q=q,
                         category=category, next_url=f"?{urlencode({**query, 'page': page + 1})}")
        return shop_page(request, shop, "shop/index.html", products=products, more=more, page=page, q=q, category=category,
                     categories=await shops.categories(shop), cart=cart,
                     next_url=f"?{urlencode({**query, 'page': page + 1})}", private=bool(cart.count))

    @get("/p/{product_id:int}", name="shop:product")
    async def product(self, request: Request, slug: str, product_id: int, variant: int | None = None) -> Response:
        """The product page. Its HTML is the same for every visitor but for the CSRF token of the
        add-to-cart form, so it is rendered once per _PAGE_TTL with a placeholder for the token."""
        shop = await shop_for(request, slug)
        locale = current_locale.get()
        root = "" if request.scope.get("shop_host") else f"/shop/{shop.slug}"
        key = (shop.id, product_id, variant, locale, shop_base(request, shop))
        now = time.monotonic()
        hit = _pages.get(key)
        if hit is None or hit[0] <= now:
            product = await _cached_product(shop, product_id)
            chosen = next((v for v in product.variants if v.id == variant), None) or next(
                (v for v in product.variants if v.available > 0), product.variants[0])
            base = shop_base(request, shop)
            template = request.app.template_engine.get_template("shop/product.html")  # type: ignore[union-attr]
            html = template.render(
                shop=shop, locale=locale, base=base, root=root, request=request, product=product, chosen=chosen,
                jsonld=json.dumps(_jsonld(shop, product, f"{base}/p/{product.id}"), ensure_ascii=False).replace(
                    "</", "<\\/"), added=False, error="", csrf_token=lambda: _TOKEN_SLOT,
                csrf_input=Markup(f'<input type="hidden" name="_csrf_token" value="{_TOKEN_SLOT}" />'))
            if len(_pages) > 20_000:
                _pages.clear()
            _pages[key] = hit = (now + _PAGE_TTL, html)
        token = value_or_default(ScopeState.from_scope(request.scope).csrf_token, "")
        cookies = [Cookie(key=LANG_COOKIE, value=locale, max_age=365 * 86400, samesite="lax", httponly=True)] \
            if request.query_params.get("lang") in ("id", "en") else []
        return Response(hit[1].replace(_TOKEN_SLOT, html_escape(token)), media_type=MediaType.HTML, cookies=cookies,
                        headers={"Vary": "Cookie", "Cache-Control": "public, max-age=5"})

    @get("/theme.css", name="shop:theme", media_type="text/css")
    async def theme(self, request: Request, slug: str) -> Response:
        shop = await shop_for(request, slug)
        css = f":root{{--shop-primary:{shop.primary_colour};--shop-accent:{shop.accent_colour}}}\n"
        return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=60"})

    @get("/cart", name="shop:cart")
    async def cart(self, request: Request, slug: str) -> Template:
        shop = await shop_for(request, slug)
        return shop_page(request, shop, "shop/cart.html", cart=await current_cart(request, shop), error="", private=True)

    @post("/cart/add", name="shop:cart-add")
    async def add(self, request: Request, slug: str) -> Response:
        shop = await shop_for(request, slug)
        data = await form_data(request)
        token = _cart_token(request, shop)
        cookies = []
        if not token or not await carts.cart_exists(shop, token):
            token = await carts.create_cart(shop)
            cookies.append(Cookie(key=cart_cookie(shop), value=token, max_age=30 * 86400, httponly=True,
                                  samesite="lax", path="/"))
        try:
            await carts.set_line(shop, token, data.get("variant_id", ""), data.get("quantity", "1"), add=True)
        except ValidationFailed as exc:
            product = await shops.product(shop, data.get("product_id", ""))
            chosen = next((v for v in product.variants if str(v.id) == data.get("variant_id")),
                          product.variants[0])
            return shop_page(request, shop, "shop/product.html", product=product, chosen=chosen, error=exc.message,
                         jsonld="{}", status_code=422, cookies=cookies)
        return Redirect(path=f"{self._root(request, shop)}/cart", status_code=303, cookies=cookies)

    @staticmethod
    def _root(request: Request, shop: Shop) -> str:
        return "" if request.scope.get("shop_host") else f"/shop/{shop.slug}"

    @post("/cart/{variant_id:int}", name="shop:cart-update")
    async def update(self, request: Request, slug: str, variant_id: int) -> Response:
        shop = await shop_for(request, slug)
        data = await form_data(request)
        token = _cart_token(request, shop) or ""
        try:
            if data.get("remove") or data.get("quantity", "").strip() == "0":
                await carts.remove_line(shop, token, variant_id)
            else:
                await carts.set_line(shop, token, variant_id, data.get("quantity", ""))
        except ValidationFailed as exc:
            return shop_page(request, shop, "shop/cart.html", cart=await current_cart(request, shop), error=exc.message,
                         status_code=422)
        return Redirect(path=f"{self._root(request, shop)}/cart", status_code=303)

    @get("/checkout", name="shop:checkout")
    async def checkout_page(self, request: Request, slug: str, province: str = "", regency: str = "",
                            district: str = "", village: str = "") -> Template:
        shop = await shop_for(request, slug)
        cart = await current_cart(request, shop)
        return await self._checkout(request, shop, cart, {"province": province, "regency": regency,
                                                          "district": district, "village": village}, {})

    async def _checkout(self, request: Request, shop: Shop, cart: carts.CartView, form: dict[str, str],
                        errors: dict[str, str], status_code: int = 200) -> Template:
        places = region_choices(form)
        options = await self._options(shop, places, cart)
        methods = await payment_port.enabled_methods(shop.organization_id)
        return shop_page(request, shop, "shop/checkout.html", cart=cart, form=form, errors=errors, places=places,
                     options=options, methods=methods, status_code=status_code, private=True,
                     total=cart.subtotal + (options[0]["fee"] if options else 0))

    @staticmethod
    async def _options(shop: Shop, places: dict[str, Any], cart: carts.CartView) -> list[dict[str, Any]]:
        """The seller's rate and, once the village (postal code) is known, live courier rates for the cart."""
        return await checkout.shipping_choices(shop, places["chosen"]["province"], places.get("postal_code") or "",
                                               [(ln.variant_id, ln.quantity, ln.price) for ln in cart.lines])

    @get("/regions", name="shop:regions")
    async def region_fields(self, request: Request, slug: str, province: str = "", regency: str = "",
                            district: str = "", village: str = "") -> Template:
        """The cascading selects (htmx swaps them as the buyer chooses)."""
        shop = await shop_for(request, slug)
        places = region_choices({"province": province, "regency": regency, "district": district, "village": village})
        options = await self._options(shop, places, await current_cart(request, shop))
        return shop_page(request, shop, "shop/_region_fields.html", places=places, options=options,
                     errors={}, form={}, private=True)

    @post("/checkout", name="shop:checkout-post")
    async def place(self, request: Request, slug: str) -> Response:
        shop = await shop_for(request, slug)
        form = await form_data(request)
        cart = await current_cart(request, shop)
        payload = {"cart": cart.token or "", "buyer": {"name": form.get("name", ""), "phone": form.get("phone", ""),
                                                         "email": form.get("email", "")},
                   "address": {"line": form.get("line", ""), "village_code": form.get("village", "")},
                   "shipping": form.get("shipping") or None, "payment_method": form.get("payment_method") or None,
                   "voucher": form.get("voucher", ""), "points": form.get("points", ""),
                   "marketing_consent": form.get("marketing_consent", "")}
        try:
            if not cart.lines:
                raise ValidationFailed({"cart": _cart_empty()})
            placed = await checkout.checkout(shop, payload, ip=client_ip(request), base_url=str(request.base_url))
        except ValidationFailed as exc:
            return await self._checkout(request, shop, cart, form, exc.errors, 422)
        except AppError as exc:
            if isinstance(exc, NotFound):
                exc = ValidationFailed({"cart": exc.message})
            return await self._checkout(request, shop, await current_cart(request, shop), form,
                                        getattr(exc, "errors", None) or {"cart": exc.message}, exc.status_code)
        return Redirect(path=f"{self._root(request, shop)}/orders/{placed['token']}", status_code=303)

    @get("/orders/{token:str}", name="shop:order")
    async def order(self, request: Request, slug: str, token: str) -> Template:
        shop = await shop_for(request, slug)
        order = await checkout.order_by_token(shop, token)
        # Back from the gateway's page saying paid: its notification may arrive a moment after the
        # buyer does, so the page says so and reloads itself rather than asking for payment again.
        confirming = (order.state == "unpaid" and order.payment_method in ("midtrans", "xendit")
                      and request.query_params.get("transaction_status") in ("settlement", "capture", "paid"))
        response = shop_page(request, shop, "shop/order.html", order=order, private=True, confirming=confirming)
        response.headers["Referrer-Policy"] = "no-referrer"  # the link is the key: never sent onwards
        response.headers["X-Robots-Tag"] = "noindex"
        return response

    @get("/sitemap.xml", name="shop:sitemap", media_type="application/xml")
    async def sitemap(self, request: Request, slug: str) -> Response:
        shop = await shop_for(request, slug)
        base = shop_base(request, shop)
        urls = [f"{base}/"] + [f"{base}/p/{pid}" for pid in await shops.sitemap_products(shop)]
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "".join(f"  <url><loc>{u}</loc></url>\n" for u in urls) + "</urlset>\n")
        return Response(body, media_type="application/xml")

    @get("/robots.txt", name="shop:robots", media_type="text/plain")
    async def robots(self, request: Request, slug: str) -> Response:
        shop = await shop_for(request, slug)
        base = shop_base(request, shop)
        root = self._root(request, shop)
        body = (f"User-agent: *\nAllow: {root}/\nDisallow: {root}/cart\nDisallow: {root}/checkout\n"
                f"Disallow: {root}/orders/\nSitemap: {base}/sitemap.xml\n")
        return Response(body, media_type="text/plain")


def _cart_empty() -> str:
    from app.core.i18n import _

    return _("Your cart is empty.")


def _jsonld(shop: Shop, product: shops.ProductView, url: str) -> dict[str, Any]:
    offers = [{"@type": "Offer", "sku": v.sku, "price": v.price, "priceCurrency": "IDR", "url": url,
               "availability": "https://schema.org/InStock" if v.available > 0 else "https://schema.org/OutOfStock"}
              for v in product.variants]
    data = {"@context": "https://schema.org", "@type": "Product", "name": product.name,
            "description": product.description[:500], "brand": {"@type": "Brand", "name": shop.title},
            "offers": offers}
    if product.images:
        data["image"] = product.images
    return data
