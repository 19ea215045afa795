"""The seller's side of the website: its settings and which products it sells at what price."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import N_, _
from app.core.tenancy import Tenant
from app.domains.accounts import organization_name
from app.domains.audit import record
from app.domains.catalog import LiveVariant, active_products, live_variants, products_exist
from app.domains.website import regions
from app.domains.website.tables import WebsiteProduct, WebsiteSettings

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
HOST = re.compile(r"^(?=.{4,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(?::\d{1,5})?$")
RESERVED_SLUGS = {"api", "static", "admin", "login", "shop"}


async def settings_of(tenant: Tenant) -> dict[str, Any]:
    """The organisation's website settings, created (disabled, with a free slug) on first use."""
    row = await tenant.scoped(WebsiteSettings).select().output(load_json=True).first()
    if row is not None:
        return row
    name = await organization_name(tenant.organization_id)
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "toko"
    base = base if len(base) >= 3 else f"toko-{base}"
    slug, n = base, 1
    while await WebsiteSettings.exists().where(WebsiteSettings.slug == slug):
        n += 1
        slug = f"{base}-{n}"
    await WebsiteSettings.insert(WebsiteSettings(organization=tenant.organization_id, slug=slug, title=name)).on_conflict(
        target=WebsiteSettings.organization, action="DO NOTHING")
    return await tenant.scoped(WebsiteSettings).select().output(load_json=True).first()


def _int_field(data: dict[str, str], name: str, low: int, high: int, errors: dict[str, str], message: str) -> int:
    text = (data.get(name) or "").replace(".", "").strip()
    try:
        value = int(text)
    except ValueError:
        errors[name] = message
        return low
    if not low <= value <= high:
        errors[name] = message
    return value


def _whatsapp(raw: str) -> str:
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


async def update_settings(tenant: Tenant, data: dict[str, str]) -> dict[str, Any]:
    """Save the website's settings from a submitted form (every field; an absent checkbox is off).
    ValidationFailed names each bad field; nothing changes then."""
    current = await settings_of(tenant)
    errors: dict[str, str] = {}
    slug = (data.get("slug") or "").strip().lower()
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        errors["slug"] = _("Use 3 to 60 lower-case letters, digits and hyphens, e.g. toko-budi.")
    elif await WebsiteSettings.exists().where((WebsiteSettings.slug == slug)
                                              & (WebsiteSettings.organization != tenant.organization_id)):
        errors["slug"] = _("Another shop already has this address; choose another.")
    domain = (data.get("domain") or "").strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if domain and not HOST.match(domain):
        errors["domain"] = _("Type a host name like toko-budi.id, or leave it empty.")
    elif domain and await WebsiteSettings.exists().where((WebsiteSettings.domain == domain)
                                                        & (WebsiteSettings.organization != tenant.organization_id)):
        errors["domain"] = _("Another shop already uses this domain.")
    title = (data.get("title") or "").strip()
    if not title or len(title) > 120:
        errors["title"] = _("Give the shop a name of at most 120 characters.")
    colours = {}
    for name in ("primary_colour", "accent_colour"):
        value = (data.get(name) or "").strip()
        if not COLOUR.match(value):
            errors[name] = _("Choose a colour like #0f766e.")
        colours[name] = value.lower()
    urls = {}
    for name in ("logo_url", "banner_url"):
        value = (data.get(name) or "").strip()
        if value and not (value.startswith("/") or value.startswith("https://")) or len(value) > 500:
            errors[name] = _("Use an address starting with https:// or /, or leave it empty.")
        urls[name] = value
    whatsapp = _whatsapp(data.get("whatsapp", ""))
    if data.get("whatsapp", "").strip() and not re.fullmatch(r"62\d{8,13}", whatsapp):
        errors["whatsapp"] = _("Type a WhatsApp number like 0812 3456 7890, or leave it empty.")
    hold = _int_field(data, "hold_hours", 1, 168, errors, _("Hold unpaid orders for 1 to 168 hours."))
    flat = _int_field(data, "flat_rate", 0, 10_000_000, errors, _("Type a shipping fee in rupiah, e.g. 15000."))
    buffer = _int_field(data, "stock_buffer", 0, 100_000, errors, _("Enter a number between 0 and 100000."))
    percent = _int_field(data, "stock_percent", 1, 100, errors, _("Enter a percentage between 1 and 100."))
    mode = data.get("shipping_mode", "flat")
    if mode not in ("flat", "province"):
        errors["shipping_mode"] = _("Choose flat or per province.")
    province_rates, bad = _province_rates(data.get("province_rates", ""))
    if bad:
        errors["province_rates"] = _("Write one line per province: its name or code, a colon, the fee (Jawa Barat: 12000).")
    origins = [o.strip().rstrip("/").lower() for o in (data.get("cors_origins") or "").splitlines() if o.strip()]
    if any(not ORIGIN.match(o) for o in origins) or len(origins) > 20:
        errors["cors_origins"] = _("One origin per line, like https://toko-budi.id (at most 20).")
    if len(data.get("about", "")) > 5000 or len(data.get("contact", "")) > 2000:
        errors["about"] = _("About is at most 5000 characters, contact at most 2000.")
    if errors:
        raise ValidationFailed(errors)
    values = {
        WebsiteSettings.enabled: data.get("enabled") == "on", WebsiteSettings.slug: slug, WebsiteSettings.domain: domain,
        WebsiteSettings.title: title, WebsiteSettings.logo_url: urls["logo_url"],
        WebsiteSettings.banner_url: urls["banner_url"], WebsiteSettings.primary_colour: colours["primary_colour"],
        WebsiteSettings.accent_colour: colours["accent_colour"], WebsiteSettings.about: data.get("about", "").strip(),
        WebsiteSettings.contact: data.get("contact", "").strip(), WebsiteSettings.whatsapp: whatsapp,
        WebsiteSettings.hold_hours: hold, WebsiteSettings.shipping_mode: mode, WebsiteSettings.flat_rate: flat,
        WebsiteSettings.province_rates: province_rates, WebsiteSettings.cors_origins: "\n".join(origins),
        WebsiteSettings.stock_buffer: buffer, WebsiteSettings.stock_percent: percent,
        WebsiteSettings.preferred_for_last_units: data.get("preferred_for_last_units") == "on",
        WebsiteSettings.updated_at: utcnow(),
    }
    await tenant.scoped(WebsiteSettings).update(values)
    after = await settings_of(tenant)
    changed = {k: after[k] for k in after if k not in ("updated_at",) and after[k] != current.get(k)}
    await record(tenant.organization_id, tenant.actor, "website.settings_changed", "website", after["id"],
                 before={k: current.get(k) for k in changed}, after=changed)
    return after


def _province_rates(text: str) -> tuple[dict[str, int], bool]:
    """'Jawa Barat: 12000' or '32: 12000' per line -> {"32": 12000}; (rates, any line bad)."""
    by_name = {r.name.lower(): r.code for r in regions.children("")}
    # The short names people write: DKI Jakarta, Jakarta, DI Yogyakarta, Yogyakarta.
    by_name.update({"dki jakarta": "31", "jakarta": "31", "di yogyakarta": "34", "diy": "34", "yogyakarta": "34"})
    rates: dict[str, int] = {}
    bad = False
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _sep, fee = line.rpartition(":")
        code = name.strip() if name.strip() in {r.code for r in regions.children("")} else by_name.get(name.strip().lower())
        try:
            amount = int(fee.strip().replace(".", ""))
        except ValueError:
            amount = -1
        if not code or not 0 <= amount <= 10_000_000:
            bad = True
            continue
        rates[code] = amount
    return rates, bad


def province_rates_text(rates: dict[str, int]) -> str:
    return "\n".join(f"{(regions.region(code) or regions.Region(code, code)).name}: {fee}"
                     for code, fee in sorted(rates.items()))


@dataclass(frozen=True, slots=True)
class WebsiteVariant:
    """A variant on the website settings page: its catalog price, and the website's (its own, or the catalog's)."""

    id: int
    sku: str
    price: int
    website_price: int
    own_price: bool


@dataclass(frozen=True, slots=True)
class WebsiteProductRow:
    id: int
    name: str
    category: str
    on_website: bool
    variants: list[WebsiteVariant]


def _website_variant(v: LiveVariant, prices: dict[str, Any]) -> WebsiteVariant:
    return WebsiteVariant(v.id, v.sku, v.price, int(prices.get(str(v.id), 0)) or v.price, str(v.id) in prices)


async def website_products(tenant: Tenant) -> list[WebsiteProductRow]:
    """Every active product with whether it is on the website, its variants' catalog and website prices."""
    products = await active_products(tenant)
    on = {r["product"]: r["prices"] for r in await tenant.scoped(WebsiteProduct).select(
        WebsiteProduct.product, WebsiteProduct.prices).output(load_json=True)}
    by_product: dict[int, list[LiveVariant]] = {}
    for v in await live_variants(tenant):
        by_product.setdefault(v.product, []).append(v)
    return [WebsiteProductRow(p.id, p.name, p.category, p.id in on,
                              [_website_variant(v, on.get(p.id) or {}) for v in by_product.get(p.id, [])])
            for p in products]


async def set_on_website(tenant: Tenant, product_ids: list[int], on: bool) -> int:
    """Put these products on the website (or take them off); returns how many changed.
    Ids of another organisation or of no product are refused (NotFound), nothing changes."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    if not await products_exist(tenant, ids):
        raise NotFound(_("Product not found."))
    async with transaction():
        present = {r["product"] for r in await tenant.scoped(WebsiteProduct).select(WebsiteProduct.product).where(
            WebsiteProduct.product.is_in(ids))}
        if on:
            new = [i for i in ids if i not in present]
            if new:
                await WebsiteProduct.insert(*[WebsiteProduct(organization=tenant.organization_id, product=i)
                                              for i in new])
            changed = len(new)
        else:
            await tenant.scoped(WebsiteProduct).delete().where(WebsiteProduct.product.is_in(ids))
            changed = len(present)
    await record(tenant.organization_id, tenant.actor, "website.products_" + ("added" if on else "removed"),
                 "website", None, after={"products": ids})
    return changed


async def set_website_price(tenant: Tenant, variant_id: int, price_text: str) -> None:
    """A variant's website price in rupiah; empty means the catalog price."""
    from app.core.money import parse_rupiah

    found = await live_variants(tenant, variant_ids=[variant_id])
    variant = found[0] if found else None
    if variant is None:
        raise NotFound(_("Variant not found."))
    row = await tenant.scoped(WebsiteProduct).select().where(WebsiteProduct.product == variant.product).output(
        load_json=True).first()
    if row is None:
        raise ValidationFailed({"price": _("Put the product on the website first.")})
    prices = dict(row["prices"] or {})
    if (price_text or "").strip():
        try:
            price = parse_rupiah(price_text)
        except ValueError:
            price = -1
        if not 1 <= price <= 1_000_000_000:
            raise ValidationFailed({"price": _("Type a price in rupiah, for example 125.000, or leave it empty.")})
        prices[str(variant_id)] = price
    else:
        prices.pop(str(variant_id), None)
    await tenant.scoped(WebsiteProduct).update({WebsiteProduct.prices: prices}).where(WebsiteProduct.id == row["id"])


async def keeps_last_units(tenant: Tenant) -> bool:
    """Whether this organisation's open website keeps the last units (allocation's provider)."""
    row = await tenant.scoped(WebsiteSettings).select(WebsiteSettings.enabled,
                                                      WebsiteSettings.preferred_for_last_units).first()
    return bool(row and row["enabled"] and row["preferred_for_last_units"])


SHIPPING_MODES = {"flat": N_("One rate for every address"),
                  "province": N_("A rate per province (others pay the flat rate)")}


def shipping_mode_label(mode: str) -> str:
    """How the shipping choice reads (the audit trail's "Shipping")."""
    return _(SHIPPING_MODES[mode])
