"""What a buyer sees of a shop: the shop found by its slug or host, its products with website
prices and what the website is offered of each variant right now (the allocation rules apply)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import NotFound
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import listings as allocation
from app.domains.catalog import LiveVariant, live_variants
from app.domains.inventory import default_location
from app.domains.stores import active_stores
from app.domains.website.tables import WebsiteProduct, WebsiteSettings

PAGE = 24
_SHOP_TTL = 3.0  # seconds a process keeps a shop's settings (a settings change shows within that)
_shops: dict[str, tuple[float, Shop | None]] = {}


@dataclass(frozen=True, slots=True)
class Shop:
    id: int
    organization_id: int
    slug: str
    domain: str
    title: str
    logo_url: str
    banner_url: str
    primary_colour: str
    accent_colour: str
    about: str
    contact: str
    whatsapp: str
    hold_hours: int
    shipping_mode: str
    flat_rate: int
    province_rates: dict[str, int] = field(default_factory=dict)
    cors_origins: tuple[str, ...] = ()
    stock_buffer: int = 0
    stock_percent: int = 100
    preferred_for_last_units: bool = False

    timezone: str = "Asia/Jakarta"

    @property
    def tenant(self) -> Tenant:
        return Tenant(self.organization_id, timezone=self.timezone)

    def shipping_fee(self, province_code: str) -> int:
        if self.shipping_mode == "province" and province_code in self.province_rates:
            return int(self.province_rates[province_code])
        return self.flat_rate


def _shop(row: dict[str, Any]) -> Shop:
    return Shop(row["id"], row["organization"], row["slug"], row["domain"], row["title"], row["logo_url"],
                row["banner_url"], row["primary_colour"], row["accent_colour"], row["about"], row["contact"],
                row["whatsapp"], row["hold_hours"], row["shipping_mode"], row["flat_rate"],
                {str(k): int(v) for k, v in (row["province_rates"] or {}).items()},
                tuple(o for o in row["cors_origins"].splitlines() if o), row["stock_buffer"], row["stock_percent"],
                row["preferred_for_last_units"], row.get("organization.timezone") or "Asia/Jakarta")


async def _lookup(key: str, where: Any) -> Shop | None:
    now = time.monotonic()
    hit = _shops.get(key)
    if hit and hit[0] > now:
        return hit[1]
    row = await WebsiteSettings.select(*WebsiteSettings.all_columns(), WebsiteSettings.organization.timezone).where(
        where & (WebsiteSettings.enabled == True)).output(  # noqa: E712
        load_json=True).first()
    shop = _shop(row) if row else None
    if len(_shops) > 10_000:
        _shops.clear()
    _shops[key] = (now + _SHOP_TTL, shop)
    return shop


async def shop_by_slug(slug: str) -> Shop:
    """The enabled shop at /shop/<slug>, or NotFound (unknown and disabled shops alike)."""
    shop = await _lookup(f"slug:{slug}", WebsiteSettings.slug == (slug or "").lower()[:60])
    if shop is None:
        raise NotFound(_("This shop does not exist or is closed."))
    return shop


async def shop_by_host(host: str) -> Shop | None:
    host = (host or "").split(":")[0].lower()
    if not host or "." not in host:
        return None
    return await _lookup(f"host:{host}", WebsiteSettings.domain == host)


def forget_cached_shops() -> None:
    _shops.clear()


async def offered(shop: Shop, variants: list[LiveVariant], location_id: int | None = None,
                  stock: dict[int, int] | None = None) -> dict[int, int]:
    """Units the website is offered of each variant now: available at the default location (where a
    website order reserves, as a manual order does), less the website's buffer, times its percentage;
    only preferred channels get the last units. Counting every location offered units a checkout
    could not reserve: "In stock" on the page, then "someone was faster" with no one there.
    `stock`: {variant: on_hand - reserved} at `location_id`, already read by the caller (used when
    no variant is a bundle, whose units come from its components)."""
    tenant = shop.tenant
    if not variants:
        return {}
    ids = [v.id for v in variants]
    bundles = [v.id for v in variants if v.is_bundle]
    if stock is not None and location_id is not None and not bundles:
        available = {i: max(0, stock.get(i, 0)) for i in ids}
    else:
        location = location_id if location_id is not None else (await default_location(tenant))["id"]
        available = await allocation.available_by_variant(tenant, ids, bundles, locations=[location])
    limit = await allocation.threshold(tenant)
    any_preferred = shop.preferred_for_last_units
    if limit and not any_preferred:
        any_preferred = any(s.preferred_for_last_units for s in await active_stores(tenant))
    rule = allocation.StoreRule(0, shop.stock_buffer, shop.stock_percent, shop.preferred_for_last_units)
    return {i: allocation.offer(available.get(i, 0), rule, threshold=limit, any_preferred=any_preferred) for i in ids}


def _prices(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value) if value else None
    return dict(value or {})


def _price(variant: LiveVariant, prices: dict[str, Any]) -> int:
    return int(prices.get(str(variant.id), 0) or 0) or variant.price


async def _variants(shop: Shop, product_ids: list[int]) -> list[LiveVariant]:
    if not product_ids:
        return []
    return await live_variants(shop.tenant, product_ids=product_ids)


def _on_sale(shop: Shop):
    return shop.tenant.scoped(WebsiteProduct).select(
        WebsiteProduct.product, WebsiteProduct.prices, WebsiteProduct.product.name.as_alias("name"),
        WebsiteProduct.product.category.as_alias("category"),
        WebsiteProduct.product.description.as_alias("description")).where(
        WebsiteProduct.product.status == "active").output(load_json=True)


async def categories(shop: Shop) -> list[str]:
    rows = await shop.tenant.scoped(WebsiteProduct).select(WebsiteProduct.product.category.as_alias("c")).where(
        WebsiteProduct.product.status == "active").distinct()
    return sorted({r["c"] for r in rows if r["c"]})


async def list_products(shop: Shop, *, q: str = "", category: str = "",
                        page: int = 1) -> tuple[list[ProductView], bool]:
    """A page of the shop's products (name order), each with its price (the lowest of its variants),
    photo and what is offered; (rows, more pages)."""
    query = _on_sale(shop)
    if q.strip():
        query = query.where(WebsiteProduct.product.name.ilike(f"%{q.strip()[:80].replace('%', '')}%"))
    if category.strip():
        query = query.where(WebsiteProduct.product.category == category.strip()[:120])
    page = max(1, min(page, 10_000))
    rows = await query.order_by(WebsiteProduct.product.name).order_by(WebsiteProduct.product).limit(PAGE + 1).offset(
        (page - 1) * PAGE)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    variants = await _variants(shop, [r["product"] for r in rows])
    stock = await offered(shop, variants)
    by_product: dict[int, list[LiveVariant]] = {}
    for v in variants:
        by_product.setdefault(v.product, []).append(v)
    products = []
    for r in rows:
        vs = by_product.get(r["product"], [])
        if not vs:
            continue
        products.append(_product_view(r, vs, stock))
    return products, more


@dataclass(frozen=True, slots=True)
class VariantView:
    """A variant on the shop's product page (and in its JSON API): the website's price, what is offered."""

    id: int
    sku: str
    name: str
    price: int
    available: int
    image_url: str
    attributes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    name: str
    category: str
    description: str
    price: int  # the lowest of its variants'
    available: int
    images: list[str]
    variants: list[VariantView]


def _product_view(row: dict[str, Any], variants: list[LiveVariant], stock: dict[int, int]) -> ProductView:
    prices = row["prices"] or {}
    views = [VariantView(v.id, v.sku, v.name or v.sku, _price(v, prices), stock.get(v.id, 0), v.image_url,
                         v.attributes or {}) for v in variants]
    images = list(dict.fromkeys(v.image_url for v in views if v.image_url))
    return ProductView(row["product"], row["name"], row["category"], row.get("description", ""),
                       min(v.price for v in views), sum(v.available for v in views), images, views)


async def product(shop: Shop, product_id: int | str) -> ProductView:
    """One product of the shop with its variants, or NotFound (not on this shop's website,
    archived, another shop's)."""
    try:
        pk = int(product_id)
    except (TypeError, ValueError):
        raise NotFound(_("Product not found.")) from None
    row = await _on_sale(shop).where(WebsiteProduct.product == pk).first()
    variants = await _variants(shop, [pk]) if row else []
    if not row or not variants:
        raise NotFound(_("Product not found."))
    return _product_view(row, variants, await offered(shop, variants))


async def sellable(shop: Shop, variant_ids: list[int], location_id: int | None = None,
                   stock: dict[int, int] | None = None) -> dict[int, dict[str, Any]]:
    """The website's variants among these ids: {id: {sku, title, price, available, product}};
    a variant not on this shop's website (or archived, or another shop's) is absent. `available`
    counts the stock at `location_id` (default: the organisation's default location, where website
    orders reserve); `stock`: what the caller read there (inventory's available_at_default_location)."""
    ids = sorted({int(i) for i in variant_ids})
    if not ids:
        return {}
    variants = await live_variants(shop.tenant, variant_ids=ids)
    products = sorted({v.product for v in variants}) or [0]
    on = {r["product"]: _prices(r["prices"]) for r in await WebsiteProduct.raw(
        "SELECT product, prices FROM website_product WHERE organization = {}"
        f" AND product IN ({', '.join('{}' for _ in products)})", shop.organization_id, *products)}
    variants = [v for v in variants if v.product in on]
    units = await offered(shop, variants, location_id, stock)
    return {v.id: {"id": v.id, "sku": v.sku, "product": v.product, "image_url": v.image_url,
                   "title": f"{v.product_name} · {v.name}" if v.name else v.product_name,
                   "price": _price(v, on[v.product]), "available": units.get(v.id, 0)} for v in variants}


async def sitemap_products(shop: Shop) -> list[int]:
    return [r["product"] for r in await shop.tenant.scoped(WebsiteProduct).select(WebsiteProduct.product).where(
        WebsiteProduct.product.status == "active").order_by(WebsiteProduct.product).limit(50_000)]


