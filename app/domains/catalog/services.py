"""Catalog operations: create and edit products with variants, archive, look up, search."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from piccolo.query import WhereRaw

from app.core.clock import utcnow
from app.core.database import after_commit, is_postgres, pg_fetch, transaction
from app.core.errors import ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog.errors import DuplicateSku, NotFound
from app.domains.catalog.events import ProductChanged
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.statuses import ProductStatus
from app.domains.catalog.tables import BundleComponent, Product, Variant

PAGE_SIZE = 50


def search_text_of(product: dict[str, Any] | ProductForm, variant: VariantForm | dict[str, Any]) -> str:
    get_p = product.get if isinstance(product, dict) else lambda k, d="": getattr(product, k, d)
    get_v = variant.get if isinstance(variant, dict) else lambda k, d="": getattr(variant, k, d)
    attrs = get_v("attributes", {}) or {}
    parts = [get_p("name", ""), get_p("brand", ""), get_p("category", ""), get_v("sku", ""), get_v("barcode", ""),
             get_v("name", ""), *attrs.values()]
    return " ".join(str(p) for p in parts if p).lower()


def _variant_values(form: ProductForm, v: VariantForm) -> dict[str, Any]:
    return {
        "sku": v.sku, "barcode": v.barcode, "name": v.name or " / ".join(v.attributes.values()),
        "attributes": v.attributes, "price": v.price, "cost": v.cost, "weight_grams": v.weight_grams,
        "length_cm": v.length_cm, "width_cm": v.width_cm, "height_cm": v.height_cm,
        "reorder_point": v.reorder_point, "image_url": v.image_url, "search_text": search_text_of(form, v),
    }


async def _check_skus(tenant: Tenant, form: ProductForm, product_id: int | None) -> None:
    skus = [v.sku for v in form.variants]
    clash = await tenant.scoped(Variant).select(Variant.sku, Variant.product).where(Variant.sku.is_in(skus))
    for row in clash:
        if row["product"] != product_id:
            index = skus.index(row["sku"])
            raise DuplicateSku(row["sku"], field=f"variants-{index}-sku")


async def create_product(tenant: Tenant, form: ProductForm) -> int:
    """Create a product with its variants; raises DuplicateSku when a SKU is taken in the org."""
    async with transaction():
        await _check_skus(tenant, form, None)
        product = tenant.scoped(Product).new(name=form.name, brand=form.brand, category=form.category,
                                             description=form.description)
        await product.save()
        for v in form.variants:
            await tenant.scoped(Variant).new(product=product.id, **_variant_values(form, v)).save()
        await record(tenant.organization_id, tenant.actor, "product.created", "product", product.id,
                     after={"name": form.name, "skus": [v.sku for v in form.variants]})
        await _announce(ProductChanged(tenant.organization_id, product.id, "created"))
    return product.id


async def update_product(tenant: Tenant, product_id: int, form: ProductForm) -> None:
    """Replace a product's fields and upsert its variants by id; variants left out are archived
    (never deleted: orders and the ledger refer to them)."""
    async with transaction():
        product = await tenant.scoped(Product).get(product_id, _("Product not found."))
        await _check_skus(tenant, form, product.id)
        existing = {r["id"]: r for r in await tenant.scoped(Variant).select().where(Variant.product == product.id)}
        foreign = [i for i, v in enumerate(form.variants) if v.id is not None and v.id not in existing]
        if foreign:  # a tampered or stale form: an id that is not one of this product's variants
            raise ValidationFailed({f"variants-{foreign[0]}-sku": _("This variant is not part of this product. "
                                                                    "Reload the page and try again.")})
        kept = set()
        for v in form.variants:
            values = _variant_values(form, v)
            if v.id in existing:
                kept.add(v.id)
                await tenant.scoped(Variant).update({**values, "archived": False, "updated_at": utcnow()}).where(
                    Variant.id == v.id)
            else:
                await tenant.scoped(Variant).new(product=product.id, **values).save()
        dropped = [vid for vid in existing if vid not in kept]
        if dropped:
            await tenant.scoped(Variant).update({Variant.archived: True}).where(Variant.id.is_in(dropped))
        before = {"name": product.name, "brand": product.brand, "category": product.category}
        await tenant.scoped(Product).update({Product.name: form.name, Product.brand: form.brand,
                                             Product.category: form.category, Product.description: form.description,
                                             Product.updated_at: utcnow()}).where(Product.id == product.id)
        await record(tenant.organization_id, tenant.actor, "product.updated", "product", product.id, before=before,
                     after={"name": form.name, "brand": form.brand, "category": form.category,
                            "archived_variants": dropped})
        await _announce(ProductChanged(tenant.organization_id, product.id, "updated"))


async def set_archived(tenant: Tenant, product_id: int, archived: bool) -> None:
    product = await tenant.scoped(Product).get(product_id, _("Product not found."))
    status = ProductStatus.ARCHIVED if archived else ProductStatus.ACTIVE
    async with transaction():
        await tenant.scoped(Product).update({Product.status: status}).where(Product.id == product.id)
        await tenant.scoped(Variant).update({Variant.archived: archived}).where(Variant.product == product.id)
    await record(tenant.organization_id, tenant.actor, "product.archived" if archived else "product.restored",
                 "product", product.id, before={"status": product.status}, after={"status": status.value})
    await _announce(ProductChanged(tenant.organization_id, product.id, "archived" if archived else "restored"))


async def _announce(event: ProductChanged) -> None:
    """Tell the listeners once the current transaction commits (at once outside one)."""
    await after_commit(functools.partial(emit, event))


async def get_product(tenant: Tenant, product_id: int) -> tuple[Product, list[dict]]:
    product = await tenant.scoped(Product).get(product_id, _("Product not found."))
    variants = await tenant.scoped(Variant).select().where(Variant.product == product.id).order_by(Variant.id).output(
        load_json=True)
    return product, variants


async def require_variant(tenant: Tenant, variant_id: int) -> Variant:
    """The variant row of this organisation, or NotFound."""
    row = await tenant.scoped(Variant).objects().where(Variant.id == _int(variant_id)).first()
    if row is None:
        raise NotFound(_("Variant not found."))
    return row


async def variant_by_code(tenant: Tenant, code: str) -> Variant | None:
    """A variant by barcode or SKU (what a scanner types), or None."""
    code = (code or "").strip()
    if not code:
        return None
    return await tenant.scoped(Variant).objects().where(
        (Variant.barcode == code) | (Variant.sku == code.upper())).order_by(Variant.archived).first()


async def variants_by_sku(tenant: Tenant, skus: list[str]) -> dict[str, Variant]:
    """The variants of these SKUs (any case), by their SKU as stored (upper case)."""
    if not skus:
        return {}
    rows = await tenant.scoped(Variant).objects().where(Variant.sku.is_in([s.upper() for s in skus]))
    return {r.sku: r for r in rows}


@dataclass(frozen=True, slots=True)
class Component:
    """One component of a bundle: which variant, and how many units of it one bundle takes."""

    component: int
    quantity: int


async def components_of(tenant: Tenant, variant_id: int) -> list[Component]:
    """The components of a bundle variant ([] for an ordinary variant)."""
    return from_rows(Component, await tenant.scoped(BundleComponent).select(
        BundleComponent.component, BundleComponent.quantity).where(
        BundleComponent.bundle == variant_id).order_by(BundleComponent.component))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("Variant not found.")) from None


@dataclass(slots=True)
class Page:
    rows: list[dict]
    next_after: int | None


async def search_variants(tenant: Tenant, query: str = "", *, after: int | None = None, limit: int = PAGE_SIZE,
                          include_archived: bool = False, brand: str = "", category: str = "") -> Page:
    """Variants matching every word of `query` in name, SKU, barcode, brand, category or options,
    newest first, one keyset page at a time (`after` is the last id of the previous page).
    A word of three or more characters matches anywhere on PostgreSQL (trigram index), a shorter
    one at the start of a word (tsvector index); on SQLite every word matches a word's start."""
    if is_postgres() and _words(query):
        return await _search_postgres(tenant, _words(query), after=after, limit=limit,
                                      include_archived=include_archived, brand=brand, category=category)
    q = tenant.scoped(Variant).select(
        Variant.id, Variant.sku, Variant.barcode, Variant.name, Variant.price, Variant.reorder_point,
        Variant.archived, Variant.is_bundle, Variant.image_url, Variant.product.id.as_alias("product_id"),
        Variant.product.name.as_alias("product_name"), Variant.product.brand.as_alias("brand"),
        Variant.product.category.as_alias("category"),
    )
    q = _matching(q, query)
    if not include_archived:
        q = q.where(Variant.archived == False)  # noqa: E712
    if brand:
        q = q.where(Variant.product.brand == brand)
    if category:
        q = q.where(Variant.product.category == category)
    if after:
        q = q.where(Variant.id < after)
    rows = await q.order_by(Variant.id, ascending=False).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1]["id"] if more and rows else None)


def _words(query: str) -> list[str]:
    return [w for w in query.lower().split()[:6] if w.strip('"*')]


# How a PostgreSQL search reads (see _search_postgres): the newest SEARCH_WINDOW variants in id
# order first; then, if at least DENSE_MATCHES of them matched (so the rest is likely near), up to
# FURTHER_WINDOW more in id order; the indexes only for what is still missing below those.
SEARCH_WINDOW = 5_000
FURTHER_WINDOW = 25_000
DENSE_MATCHES = 8


async def _search_postgres(tenant: Tenant, words: list[str], *, after: int | None, limit: int,
                           include_archived: bool, brand: str, category: str) -> Page:
    """One statement, so that neither many matches nor few cost a scan of the whole catalog,
    whatever the planner guesses about how many rows match. `near` reads the newest variants in id
    order (an index range), at most SEARCH_WINDOW, and stops as soon as the page is full: a word
    many variants have fills it there. When it does not but matches were frequent enough, `further`
    goes on in id order through at most FURTHER_WINDOW more. Only what is still missing comes from
    `older`: the trigram/tsvector indexes asked for every match below the rows read (few, or the
    ordered steps would have found them). One-time filters skip the steps a page does not need.
    Products are joined to the page's rows only, not to every match."""
    args: list[Any] = [int(tenant.organization_id)]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    scope = ["organization = $1"]
    if not include_archived:
        scope.append("NOT archived")
    if brand or category:
        product_scope = ["organization = $1"]
        if brand:
            product_scope.append(f"brand = {arg(brand)}")
        if category:
            product_scope.append(f"category = {arg(category)}")
        scope.append(f"product IN (SELECT id FROM product WHERE {' AND '.join(product_scope)})")
    if after:
        scope.append(f"id < {arg(int(after))}")
    match = []
    for word in words:
        if len(word) >= 3:
            match.append(f"search_text LIKE {arg('%' + _escape_like(word) + '%')}")
        elif letters := "".join(c for c in word if c.isalnum()):
            match.append(f"search_words @@ to_tsquery('simple', {arg(letters + ':*')})")
    if not match:  # only punctuation: nothing to look for
        match.append("true")
    where, matches, n = " AND ".join(scope), " AND ".join(match), int(limit) + 1
    newest = f"SELECT id FROM variant WHERE {where} ORDER BY id DESC LIMIT"
    found_near = "(SELECT count(*) FROM near)"
    sql = f"""
WITH near AS MATERIALIZED (
    SELECT id FROM (
        SELECT id, search_text, search_words FROM variant WHERE {where} ORDER BY id DESC LIMIT {SEARCH_WINDOW}
    ) recent WHERE {matches} ORDER BY id DESC LIMIT {n}
), further AS MATERIALIZED (
    SELECT id FROM (
        SELECT id, search_text, search_words FROM variant
        WHERE {where} AND {found_near} BETWEEN {DENSE_MATCHES} AND {n - 1}
          AND id < (SELECT min(id) FROM ({newest} {SEARCH_WINDOW}) w)
        ORDER BY id DESC LIMIT {FURTHER_WINDOW}
    ) recent WHERE {matches} ORDER BY id DESC LIMIT {n}
), older AS MATERIALIZED (
    SELECT id FROM variant
    WHERE {where} AND {matches} AND {found_near} + (SELECT count(*) FROM further) < {n} AND id < (
        CASE WHEN {found_near} >= {DENSE_MATCHES}
             THEN (SELECT min(id) FROM ({newest} {SEARCH_WINDOW + FURTHER_WINDOW}) w)
             ELSE (SELECT min(id) FROM ({newest} {SEARCH_WINDOW}) w) END)
), page AS (
    SELECT id FROM near UNION ALL SELECT id FROM further UNION ALL (SELECT id FROM older ORDER BY id DESC LIMIT {n})
)
SELECT v.id, v.sku, v.barcode, v.name, v.price, v.reorder_point, v.archived, v.is_bundle, v.image_url,
       p.id AS product_id, p.name AS product_name, p.brand, p.category
FROM (SELECT id FROM page ORDER BY id DESC LIMIT {n}) h
JOIN variant v ON v.id = h.id LEFT JOIN product p ON p.id = v.product
ORDER BY v.id DESC"""
    rows = [dict(r) for r in await pg_fetch(sql, *args, fresh_plan=True)]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1]["id"] if more and rows else None)


def _matching(q, query: str):
    """Every word of `query` must match: on PostgreSQL a substring match the trigram index serves,
    on SQLite a prefix match per word through the FTS5 table (both built by the migrations)."""
    words = _words(query)
    if not words:
        return q
    if is_postgres():
        for word in words:
            q = q.where(WhereRaw("variant.search_text LIKE {}", f"%{_escape_like(word)}%"))
        return q
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    return q.where(WhereRaw("variant.id IN (SELECT rowid FROM variant_fts WHERE variant_fts MATCH {})", match))


def _escape_like(word: str) -> str:
    return word.replace("%", "").replace("_", " ").strip()


async def facets(tenant: Tenant) -> dict[str, list[str]]:
    """The brands and categories in use, for the filter form, in one statement."""
    rows = await Product.raw(
        "SELECT DISTINCT 'brand' AS facet, brand AS value FROM product WHERE organization = {} AND brand <> '' "
        "UNION SELECT DISTINCT 'category', category FROM product WHERE organization = {} AND category <> ''",
        tenant.organization_id, tenant.organization_id)
    return {"brands": sorted(r["value"] for r in rows if r["facet"] == "brand"),
            "categories": sorted(r["value"] for r in rows if r["facet"] == "category")}


async def bundles_containing(tenant: Tenant, variant_ids: list[int]) -> list[int]:
    """Bundle variants that use any of these variants as a component (their available changes too)."""
    if not variant_ids:
        return []
    rows = await tenant.scoped(BundleComponent).select(BundleComponent.bundle).where(
        BundleComponent.component.is_in(list(variant_ids)))
    return sorted({r["bundle"] for r in rows})


async def set_bundle(tenant: Tenant, variant_id: int, components: list[tuple[str, int]]) -> None:
    """Make a variant a bundle of (SKU, quantity) components, or an ordinary variant again with
    an empty list. Components must be ordinary variants of this organisation."""
    from app.core.errors import ValidationFailed

    bundle = await require_variant(tenant, variant_id)
    errors: dict[str, str] = {}
    resolved: list[tuple[int, int]] = []
    for index, (sku, qty) in enumerate(components):
        match = await variant_by_code(tenant, sku)
        if match is None or match["archived"]:
            errors[f"component-{index}"] = _("No active variant has the SKU or barcode %(code)s.", code=sku[:64])
        elif match["id"] == bundle["id"] or match["is_bundle"]:
            errors[f"component-{index}"] = _("%(sku)s cannot be a component (a bundle cannot contain itself or another bundle).", sku=match["sku"])
        elif not 1 <= qty <= 1000:
            errors[f"component-{index}"] = _("Quantity must be between 1 and 1000.")
        else:
            resolved.append((match["id"], qty))
    if len({c for c, _q in resolved}) != len(resolved):
        errors["components"] = _("Each component may appear once.")
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        await tenant.scoped(BundleComponent).delete().where(BundleComponent.bundle == bundle["id"])
        for component, qty in resolved:
            await tenant.scoped(BundleComponent).new(bundle=bundle["id"], component=component, quantity=qty).save()
        await tenant.scoped(Variant).update({Variant.is_bundle: bool(resolved)}).where(Variant.id == bundle["id"])
    await record(tenant.organization_id, tenant.actor, "variant.bundle_set", "variant", bundle["id"],
                 after={"components": [[c, q] for c, q in resolved]})


async def bundle_components(tenant: Tenant, variant_ids: list[int]) -> dict[int, list[dict]]:
    """Components (id, SKU, quantity) of each of these variants that is a bundle, in one query."""
    if not variant_ids:
        return {}
    rows = await tenant.scoped(BundleComponent).select(
        BundleComponent.bundle, BundleComponent.component, BundleComponent.quantity,
        BundleComponent.component.sku.as_alias("sku"),
    ).where(BundleComponent.bundle.is_in(variant_ids)).order_by(BundleComponent.id)
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["bundle"], []).append(r)
    return out
