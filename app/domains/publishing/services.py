"""Publish one catalog product to one store: propose the form, check it, upload, create, map.

Nothing is sent until the whole form passes the platform's limits (ListingLimits) and the
category's attribute rules; a platform refusal comes back as a field error on the form field it
names. Photos are read from StoreSync's media (WebP) and sent as JPEG, which both platforms take.
The new listing is written as listings of the store at once and mapped by its seller SKUs (the
variants' SKUs), so the next stock push already covers it. Should that write fail after the
platform created the item, the store's next listing import brings it in and maps it by the same
SKUs: nothing stays unmapped.

Creating is idempotent: before the platform's create call the attempt is recorded (a client
reference and the SKUs sent, in Redis, until the listing is mapped). The create call itself is
never retried blindly; when its answer is lost (a timeout, a server error) the attempt stays, and
the next publish of that product to that store first looks the item up on the platform by its
seller SKUs and maps what it finds instead of creating a second item.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image

from app.core.errors import ValidationFailed
from app.core.forms import Checkbox, Form
from app.core.i18n import _
from app.core.media import image_path
from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains import catalog, listings, stores, sync
from app.domains.audit import record
from app.domains.publishing import trees
from app.integrations import errors
from app.integrations.base import (
    Category,
    CategoryAttribute,
    ChosenAttribute,
    Listing,
    ListingLimits,
    ListingVariant,
    NewListing,
    NewVariant,
    PublishingAdapter,
    ShopConnection,
)

# A store row as stores.get_store returns it (the stores domain keeps its table to itself).
Store = Any

# Variant attribute keys -> the tier name the marketplaces show (Indonesian shops).
TIER_NAMES = {"colour": "Warna", "color": "Warna", "warna": "Warna", "size": "Ukuran", "ukuran": "Ukuran"}


@dataclass(frozen=True, slots=True)
class ProposedVariant:
    variant_id: int
    sku: str
    options: tuple[str, ...]
    price: int  # with the store's markup
    quantity: int  # what the allocation rules offer this store
    weight_grams: int


@dataclass(slots=True)
class Proposal:
    """What the form shows: the proposed category (and the leaves to choose from), the category's
    attributes, the variants as tiers, price, stock, weight and photos."""

    store_id: int
    platform: str
    product_id: int
    title: str
    description: str
    catalog_category: str
    category_id: str | None
    leaves: list[Category]
    attributes: list[CategoryAttribute]
    tiers: tuple[str, ...]
    variants: list[ProposedVariant]
    photos: list[str]
    title_max: int
    problems: dict[str, str] = field(default_factory=dict)
    # Other marketplaces the store may list it on as well (TikTok Shop: "TOKOPEDIA" when the shop allows it).
    channels: tuple[str, ...] = ()

    @property
    def offers_tokopedia(self) -> bool:
        return "TOKOPEDIA" in self.channels


class PublishChoices(Form):
    """How the listing is created: on sale now or as an unlisted draft, and on Tokopedia as well
    (an unticked checkbox sends nothing: False)."""

    visibility: Literal["live", "draft"] = "live"
    tokopedia: Checkbox = False
    labels = {"visibility": "Publish as"}


@dataclass(frozen=True, slots=True)
class Published:
    listing_id: str
    listing_rows: int  # listings of the store written (one per variant)
    mapped: int
    listing_state: str = ""  # ListingState of the new listing (live, draft, unlisted)
    also_on: tuple[str, ...] = ()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"\W+", text.lower()) if len(w) > 2}


def propose_category(tree: list[Category], hints: str) -> str | None:
    """The leaf whose name (and parent's) shares most words with the product's category and name."""
    by_id = {c.category_id: c for c in tree}
    wanted = _words(hints)
    best, score = None, 0
    for leaf in (c for c in tree if c.is_leaf):
        parent = by_id.get(leaf.parent_id or "")
        words = _words(leaf.name) | (_words(parent.name) if parent else set())
        points = 2 * len(_words(leaf.name) & wanted) + len(words & wanted)
        if points > score:
            best, score = leaf.category_id, points
    return best


async def _store_and_adapter(tenant: Tenant, store_id: int) -> Store:
    store = await stores.get_store(tenant, store_id)
    if store.status != stores.StoreStatus.ACTIVE:
        raise ValidationFailed({"store": _("This store is not active.")})
    return store


async def _offers(tenant: Tenant, store: Store, variants: list[dict]) -> dict[int, int]:
    ids = [v["id"] for v in variants]
    locations = (await listings.store_locations(tenant, [store.id])).get(store.id, frozenset())
    available = await listings.available_by_variant(tenant, ids, [v["id"] for v in variants if v["is_bundle"]],
                                                    locations)
    rule = listings.StoreRule(store.id, store.stock_buffer, store.stock_percent,
                              bool(store.preferred_for_last_units), locations)
    limit = await listings.threshold(tenant)
    any_preferred = any(s.preferred_for_last_units for s in await stores.active_stores(tenant)) \
        or await listings.other_channels_preferred(tenant)
    return {i: listings.offer(available.get(i, 0), rule, threshold=limit, any_preferred=any_preferred) for i in ids}


def _tiers(variants: list[dict]) -> tuple[tuple[str, ...], dict[int, tuple[str, ...]]]:
    keys: list[str] = []
    for v in variants:
        for key in (v.get("attributes") or {}):
            if key not in keys:
                keys.append(key)
    if len(variants) == 1 and not keys:
        return (), {variants[0]["id"]: ()}
    if not keys:  # several variants and no attributes: their names are the one tier
        return ("Variasi",), {v["id"]: (v["name"] or v["sku"],) for v in variants}
    names = tuple(TIER_NAMES.get(k.lower(), k[:1].upper() + k[1:]) for k in keys)
    return names, {v["id"]: tuple(str((v.get("attributes") or {}).get(k) or "-") for k in keys) for v in variants}


async def propose(tenant: Tenant, product_id: int, store_id: int, *, category_id: str | None = None) -> Proposal:
    """The publish form for this product on this store, filled with what StoreSync knows."""
    store = await _store_and_adapter(tenant, store_id)
    product, rows = await catalog.get_product(tenant, product_id)
    variants = [v for v in rows if not v["archived"]]
    async with stores.open_adapter(store.platform) as adapter:
        if not isinstance(adapter, PublishingAdapter):
            raise ValidationFailed({"store": _("This marketplace cannot create listings yet.")})
        conn = stores.connection_for(tenant, store, adapter)
        tree = await trees.category_tree(adapter, conn)
        chosen = category_id or await trees.remembered_category(tenant, store.platform, product.category) \
            or propose_category(tree, f"{product.category} {product.name}")
        leaf_ids = {c.category_id for c in tree if c.is_leaf}
        attributes = await trees.attributes_of(adapter, conn, chosen) if chosen in leaf_ids else []
        limits = adapter.listing_limits
        channels = await adapter.listing_channels(conn)
    offers = await _offers(tenant, store, variants)
    markup = store.price_markup_percent or 0
    tiers, options = _tiers(variants)
    photos = list(dict.fromkeys(v["image_url"] for v in variants if v["image_url"]))
    return Proposal(
        store_id=store.id, platform=store.platform, product_id=product.id, title=product.name,
        description=product.description or product.name, catalog_category=product.category, category_id=chosen,
        leaves=sorted((c for c in tree if c.is_leaf), key=lambda c: c.name), attributes=attributes, tiers=tiers,
        variants=[ProposedVariant(v["id"], v["sku"], options[v["id"]],
                                  sync.store_price(v["price"], markup) if v["price"] > 0 else 0,
                                  offers.get(v["id"], 0), v["weight_grams"]) for v in variants],
        photos=photos, title_max=limits.title_max, channels=channels)


async def tokopedia_stores(tenant: Tenant, targets: list[Store]) -> set[int]:
    """The ids of these stores that may list on Tokopedia as well (asked of each platform that can
    say; a store that cannot be asked now is left out)."""
    allowed: set[int] = set()
    for store in targets:
        async with stores.open_adapter(store.platform) as adapter:
            if not isinstance(adapter, PublishingAdapter):
                continue
            try:
                if "TOKOPEDIA" in await adapter.listing_channels(stores.connection_for(tenant, store, adapter)):
                    allowed.add(store.id)
            except errors.IntegrationError:
                continue
    return allowed


def _check(proposal: Proposal, form: Mapping[str, str], limits: ListingLimits,
           ) -> tuple[NewListing | None, dict[str, str]]:
    """The listing to send, or the field errors (named like the form's inputs)."""
    problems: dict[str, str] = {}
    try:
        choices = PublishChoices.parse(form)
    except ValidationFailed as exc:
        problems.update(exc.errors)
        choices = PublishChoices()
    if choices.tokopedia and not proposal.offers_tokopedia:
        problems["tokopedia"] = _("This store cannot list products on Tokopedia.")
    title = (form.get("title") or "").strip()
    description = (form.get("description") or "").strip()
    if not title:
        problems["title"] = _("Enter a title.")
    elif len(title) > limits.title_max:
        problems["title"] = _("The title is %(n)s characters; this marketplace takes at most %(max)s.",
                              n=len(title), max=limits.title_max)
    if not description:
        problems["description"] = _("Enter a description.")
    leaves = {c.category_id for c in proposal.leaves}
    if not proposal.category_id or proposal.category_id not in leaves:
        problems["category_id"] = _("Choose the marketplace category.")
    if not proposal.photos:
        problems["photos"] = _("Add at least one photo to the product first.")
    elif len(proposal.photos) > limits.images_max:
        problems["photos"] = _("This marketplace takes at most %(max)s photos.", max=limits.images_max)
    if any(v.weight_grams <= 0 for v in proposal.variants):
        problems["weight"] = _("Enter the weight of every variant first.")
    if not proposal.variants or any(v.price <= 0 for v in proposal.variants):
        problems["price"] = _("Enter the price of every variant first.")
    if len(proposal.tiers) > limits.tiers_max:
        problems["variants"] = _("This marketplace takes at most %(max)s kinds of variation (e.g. colour and size).",
                                 max=limits.tiers_max)
    elif len(proposal.variants) > limits.variants_max:
        problems["variants"] = _("This marketplace takes at most %(max)s variants.", max=limits.variants_max)
    elif len({v.options for v in proposal.variants}) != len(proposal.variants):
        problems["variants"] = _("Two variants have the same options.")
    chosen: list[ChosenAttribute] = []
    for attr in proposal.attributes:
        name = f"attr_{attr.attribute_id}"
        value = (form.get(name) or "").strip()
        if not value:
            if attr.mandatory:
                problems[name] = _("%(name)s is required by this category.", name=attr.name)
            continue
        if attr.values:
            allowed = {v.value_id for v in attr.values}
            if value in allowed:
                chosen.append(ChosenAttribute(attribute_id=attr.attribute_id, value_id=value))
                continue
            if not attr.customizable:
                problems[name] = _("Choose one of the values the marketplace offers for %(name)s.", name=attr.name)
                continue
        chosen.append(ChosenAttribute(attribute_id=attr.attribute_id, text=value[:255]))
    if problems:
        return None, problems
    weight = max(v.weight_grams for v in proposal.variants)
    return NewListing(
        title=title, description=description, category_id=proposal.category_id or "", attributes=tuple(chosen),
        image_ids=(), weight_grams=weight, tiers=proposal.tiers, draft=choices.visibility == "draft",
        also_on=("TOKOPEDIA",) if choices.tokopedia else (),
        variants=tuple(NewVariant(seller_sku=v.sku, options=v.options, price=v.price, quantity=v.quantity)
                       for v in proposal.variants)), {}


def _jpeg(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        out = io.BytesIO()
        img.convert("RGB").save(out, format="JPEG", quality=90)
        return out.getvalue()


async def _photo_bytes(tenant: Tenant, url: str) -> bytes:
    path = image_path(tenant.organization_id, url.removeprefix("/media/"))
    if path is None:
        raise ValidationFailed({"photos": _("A photo of this product is missing; upload it again.")})
    return await asyncio.to_thread(lambda: _jpeg(path.read_bytes()))


def _field_of(refused: errors.ListingRefused) -> str:
    name = refused.field or ""
    if name.startswith("attribute:"):
        return "attr_" + name.split(":", 1)[1]
    return {"images": "photos", "category": "category_id", "title": "title", "description": "description",
            "weight": "weight", "price": "price", "variants": "variants",
            "listing_platforms": "tokopedia"}.get(name, "platform")


ATTEMPT_TTL = 30 * 86400


def _attempt_key(tenant: Tenant, store_id: int, product_id: int) -> str:
    return trees.key("attempt", tenant.organization_id, store_id, product_id)


async def pending_attempt(tenant: Tenant, store_id: int, product_id: int) -> dict[str, Any] | None:
    """The recorded create attempt whose outcome is not known yet (None: none pending)."""
    raw = await redis_client().get(_attempt_key(tenant, store_id, product_id))
    return json.loads(raw) if raw else None


async def publish(tenant: Tenant, product_id: int, store_id: int, form: Mapping[str, str]) -> Published:
    """Check the form, upload the photos, create the listing and map it. A refusal (ours or the
    platform's) raises ValidationFailed keyed by the form field it belongs to."""
    category_id = (form.get("category_id") or "").strip() or None
    proposal = await propose(tenant, product_id, store_id, category_id=category_id)
    store = await stores.get_store(tenant, store_id)
    async with stores.open_adapter(store.platform) as adapter:
        assert isinstance(adapter, PublishingAdapter)
        new, problems = _check(proposal, form, adapter.listing_limits)
        if new is None:
            raise ValidationFailed(problems)
        conn: ShopConnection = stores.connection_for(tenant, store, adapter)
        attempt_key = _attempt_key(tenant, store.id, product_id)
        skus = {v.seller_sku for v in new.variants}
        try:
            created = None
            pending = await pending_attempt(tenant, store.id, product_id)
            new = new.model_copy(update={"reference": (pending or {}).get("reference") or secrets.token_hex(8)})
            if pending is not None:
                created = await adapter.resume_listing(conn, new)
            if created is None:
                images = [await adapter.upload_image(conn, await _photo_bytes(tenant, url), f"{i + 1}.jpg")
                          for i, url in enumerate(proposal.photos)]
                new = new.model_copy(update={"image_ids": tuple(i.image_id for i in images)})
                await redis_client().set(attempt_key, json.dumps(
                    {"reference": new.reference, "skus": sorted(skus)}), ex=ATTEMPT_TTL)
                try:
                    created = await adapter.create_listing(conn, new)
                except errors.ListingRefused:
                    await redis_client().delete(attempt_key)  # refused: nothing was created
                    raise
        except errors.ListingRefused as refused:
            raise ValidationFailed({_field_of(refused): refused.detail}) from refused
        except errors.IntegrationError as exc:
            raise ValidationFailed({"platform": _(str(exc.seller_message))}) from exc
    await trees.remember_category(tenant, store.platform, proposal.catalog_category, new.category_id)
    await trees.remember_answers(tenant, store.platform, new.category_id,
                                 {k: v for k, v in form.items() if k.startswith("attr_") and v})
    listing = Listing(
        listing_id=created.listing_id, title=new.title, status=created.status, has_variants=bool(new.tiers),
        seller_sku=None if new.tiers else new.variants[0].seller_sku,
        variants=tuple(ListingVariant(variant_id=created.variant_ids[v.seller_sku], seller_sku=v.seller_sku,
                                      name=", ".join(v.options) or None, price=v.price, quantity=v.quantity)
                       for v in new.variants))
    counts = await listings.upsert_listings(tenant, store.id, [listing])
    await redis_client().delete(attempt_key)
    await record(tenant.organization_id, tenant.actor, "listing.published", "product", product_id,
                 after={"store": store.id, "listing": created.listing_id, "category": new.category_id,
                        "draft": new.draft, "also_on": list(new.also_on)})
    return Published(listing_id=created.listing_id, listing_rows=counts.created + counts.updated,
                     mapped=counts.auto_mapped, listing_state=listings.listing_state(created.status),
                     also_on=new.also_on)


def form_values(proposal: Proposal, answers: Mapping[str, str] | None = None, *, draft: bool = False,
                tokopedia: bool = True) -> dict[str, str]:
    """The form's first values: the product's title and description, the proposed category, the
    attribute answers last given for this category (when known), live (or draft), and Tokopedia
    ticked where the store offers it."""
    values = {"title": proposal.title, "description": proposal.description, "category_id": proposal.category_id or "",
              "visibility": "draft" if draft else "live"}
    if tokopedia and proposal.offers_tokopedia:
        values["tokopedia"] = "on"
    for attr in proposal.attributes:
        name = f"attr_{attr.attribute_id}"
        values[name] = (answers or {}).get(name, "")
    return values


@dataclass(frozen=True, slots=True)
class BulkResult:
    product_id: int
    name: str
    listing_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)


async def publish_many(tenant: Tenant, store_id: int, product_ids: list[int],
                       progress: Callable[[int, int, str, int], Awaitable[None]] | None = None, *,
                       draft: bool = False, tokopedia: bool = False) -> list[BulkResult]:
    """Publish each product with the proposed category and the attribute answers last given for
    it, live or as drafts, on Tokopedia too when asked and the store allows it; one result per
    product (a refusal names its fields; the product can be retried alone)."""
    results: list[BulkResult] = []
    failed = 0
    store = await stores.get_store(tenant, store_id)
    for done, product_id in enumerate(product_ids):
        name = str(product_id)
        try:
            proposal = await propose(tenant, product_id, store_id)
            name = proposal.title
            answers = await trees.remembered_answers(tenant, store.platform, proposal.category_id or "")
            published = await publish(tenant, product_id, store_id,
                                      form_values(proposal, answers, draft=draft, tokopedia=tokopedia))
            results.append(BulkResult(product_id, name, listing_id=published.listing_id))
        except ValidationFailed as exc:
            failed += 1
            results.append(BulkResult(product_id, name, errors=dict(exc.errors)))
        except errors.IntegrationError as exc:
            failed += 1
            results.append(BulkResult(product_id, name, errors={"platform": str(exc.seller_message)}))
        if progress is not None:
            await progress(done + 1, len(product_ids), name, failed)
    return results
