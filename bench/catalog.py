"""Catalog search and stock reservations on a big catalog: one organisation with 100,000 products,
300,000 variants, 3 locations and a few thousand stock levels.

Seeding is bulk, not through the services (creating 100,000 products one form at a time would
take the whole run): multi-row INSERTs through app.domains.catalog.spreadsheet_import.insert_rows, the
CSV importer's own writer, with search_text made by services.search_text_of exactly as the
importer makes it; locations through inventory.locations.create_location and stock through
stock.count_many (ledger rows included). What is measured goes through the real services:
catalog.services.search_variants and inventory.stock.reserve.

The catalog is seeded once per run and shared by the "catalog." and "inventory." benchmarks, so
`--only inventory` seeds it too (reservations against a small catalog would flatter the figures).
PostgreSQL gets ANALYZE after seeding (what autovacuum, and the CSV importer, do after a bulk
load); SQLite gets none, because the app never runs it there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import statistics
import time
from dataclasses import dataclass, field

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.catalog")

PRODUCTS = 100_000
VARIANTS_PER_PRODUCT = 3
PRODUCT_CHUNK = 1_000  # products per INSERT (8 columns)
VARIANT_CHUNK = 1_000  # variants per INSERT (16 columns: 16,000 parameters, under both engines' limits)
STOCKED_VARIANTS = 4_000  # variants with stock, each at one location; a quarter also at a second
SEED_SECONDS_BUDGET = 120.0  # seeding past this on SQLite scales the catalog down (see _plan)

SEARCH_ROUNDS = 8  # every query, measured this many times (after one warm-up)
PAGE_DEPTH = 10  # keyset pages after the first, per browsing query
PAGE_ROUNDS = 2
RESERVES = 300  # sequential single-unit reservations, measured
CONTENDED = 200  # concurrent reservations of one unit of one variant

NOUNS = [  # (noun, category, options it comes in)
    ("Kaos Polos Cotton Combed", "Fashion Pria", ("colour", "size")),
    ("Kemeja Batik Lengan Panjang", "Fashion Pria", ("motif", "size")),
    ("Hijab Segi Empat Voal", "Fashion Muslim", ("colour",)),
    ("Gamis Syari", "Fashion Muslim", ("colour", "size")),
    ("Sepatu Sneakers", "Sepatu", ("colour", "shoe")),
    ("Tas Selempang Kanvas", "Tas", ("colour",)),
    ("Kopi Arabika Gayo", "Makanan & Minuman", ("grind",)),
    ("Sambal Bawang", "Makanan & Minuman", ("pack",)),
    ("Keripik Singkong Balado", "Makanan & Minuman", ("pack",)),
    ("Madu Hutan Murni", "Kesehatan", ("pack",)),
    ("Celana Jeans Slim Fit", "Fashion Pria", ("colour", "waist")),
    ("Jaket Hoodie Fleece", "Fashion Pria", ("colour", "size")),
    ("Sandal Jepit Karet", "Sepatu", ("shoe",)),
    ("Tumbler Stainless", "Rumah Tangga", ("colour",)),
    ("Mukena Katun Rayon", "Fashion Muslim", ("colour",)),
    ("Sarung Tenun Samarinda", "Fashion Muslim", ("motif",)),
    ("Casing HP Silikon", "Aksesoris HP", ("phone",)),
    ("Rendang Daging Kemasan", "Makanan & Minuman", ("pack",)),
    ("Daster Rayon Motif", "Fashion Wanita", ("colour", "size")),
    ("Blouse Wanita Korea", "Fashion Wanita", ("colour", "size")),
    ("Panci Set Anti Lengket", "Rumah Tangga", ("pack",)),
    ("Sprei Katun Jepang", "Rumah Tangga", ("bed", "motif")),
    ("Charger Fast Charging", "Aksesoris HP", ("phone",)),
    ("Serum Wajah Niacinamide", "Kecantikan", ("pack",)),
    ("Lipstik Matte Tahan Lama", "Kecantikan", ("colour",)),
    ("Mainan Edukasi Anak", "Ibu & Bayi", ("pack",)),
    ("Popok Bayi Celana", "Ibu & Bayi", ("size",)),
    ("Helm Half Face", "Otomotif", ("colour", "size")),
]
OPTIONS = {
    "colour": ["Hitam", "Putih", "Merah", "Navy", "Maroon", "Abu-abu", "Sage", "Mocca", "Dusty Pink", "Coklat"],
    "size": ["S", "M", "L", "XL", "XXL"],
    "shoe": ["38", "39", "40", "41", "42", "43"],
    "waist": ["28", "30", "32", "34", "36"],
    "motif": ["Parang", "Kawung", "Mega Mendung", "Truntum", "Sekar Jagad"],
    "grind": ["Biji", "Bubuk Halus", "Bubuk Kasar"],
    "pack": ["100gr", "250gr", "500gr", "1kg", "Paket Hemat"],
    "phone": ["Samsung A15", "Redmi 13C", "iPhone 13", "Oppo A58", "Vivo Y17s"],
    "bed": ["120x200", "160x200", "180x200"],
}
ADJECTIVES = ["Premium", "Original", "Terlaris", "Murah", "Best Seller", "Kualitas Ekspor", "Grosir", "Baru",
              "Import", "Lokal", "Viral", "Promo"]
BRAND_PARTS = ["Sinar", "Jaya", "Abadi", "Makmur", "Sentosa", "Nusantara", "Mulia", "Berkah", "Cahaya", "Karya",
               "Indah", "Putra", "Sejahtera", "Lestari", "Mandiri", "Rejeki", "Barokah", "Agung", "Sakti", "Prima"]
OPTION_LABEL = {"colour": "colour", "size": "size", "shoe": "size", "waist": "size", "motif": "motif",
                "grind": "gilingan", "pack": "kemasan", "phone": "tipe", "bed": "ukuran"}

# First-page searches as a seller types them: ones most variants match (the page fills at once)
# and ones few or none match (the database must look through the whole organisation).
MANY_QUERIES = ["kaos", "hitam", "xl", "kaos hitam", "batik", "sepatu 42", "premium", "makanan"]
FEW_QUERIES = ["sakti prima", "gayo bubuk", "kawung xxl"]  # + a SKU, a barcode and a miss, added when seeded
BROWSE_QUERIES = ["", "kaos", "hitam", "premium"]


@dataclass
class Catalog:
    organization_id: int
    user_id: int
    products: int
    variants: int
    locations: list[int]
    stocked: list[tuple[int, int, int]]  # (variant id, location id, on hand)
    sample_sku: str
    sample_barcode: str
    seconds: float
    scaled: bool = False
    notes: list[str] = field(default_factory=list)


_seeded: dict[str, Catalog] = {}
_seed_lock = asyncio.Lock()


def _product_fields(rng: random.Random, brands: list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    noun, category, kinds = rng.choice(NOUNS)
    # A skewed brand choice: the biggest brand has ~5 % of the products, the smallest ~0.1 %.
    brand = brands[int(len(brands) * rng.random() ** 2)] if rng.random() < 0.9 else ""
    name = f"{noun} {rng.choice(ADJECTIVES)}"
    return {"name": name, "brand": brand, "category": category}, kinds


def _variant_attributes(rng: random.Random, kinds: tuple[str, ...], count: int) -> list[dict[str, str]]:
    """`count` distinct option combinations (every kind has at least 3 options)."""
    combos: list[tuple[str, ...]] = []
    while len(combos) < count:
        combo = tuple(rng.choice(OPTIONS[k]) for k in kinds)
        if combo not in combos:
            combos.append(combo)
    return [dict(zip((OPTION_LABEL[k] for k in kinds), combo, strict=True)) for combo in combos]


async def _seed_catalog(tenant, products: int, deadline: float) -> tuple[int, int, str, str]:
    """Insert `products` products with VARIANTS_PER_PRODUCT variants each (fewer if `deadline`,
    a monotonic time, passes first); (products, variants, a SKU, a barcode) inserted."""
    from app.core.clock import utcnow
    from app.core.database import transaction
    from app.domains.catalog.services import search_text_of
    from app.domains.catalog.spreadsheet_import import insert_rows
    from app.domains.catalog.statuses import ProductStatus
    from app.domains.catalog.tables import Product, Variant

    rng = random.Random(20261125)
    brands = sorted({f"{a} {b}" for a in BRAND_PARTS for b in BRAND_PARTS if a != b})
    rng.shuffle(brands)
    org = tenant.organization_id
    done_products = done_variants = 0
    sample_sku = sample_barcode = ""
    product_columns = ("organization", "name", "brand", "category", "description", "status", "created_at",
                       "updated_at")
    variant_columns = ("organization", "product", "sku", "barcode", "name", "attributes", "price", "cost",
                       "weight_grams", "image_url", "reorder_point", "is_bundle", "archived", "search_text",
                       "created_at", "updated_at")
    while done_products < products:
        if time.monotonic() > deadline:
            break
        count = min(PRODUCT_CHUNK, products - done_products)
        now = utcnow()
        fields = [_product_fields(rng, brands) for _ in range(count)]
        async with transaction():
            inserted = await insert_rows(
                Product, product_columns,
                [(org, f["name"], f["brand"], f["category"], "", ProductStatus.ACTIVE.value, now, now)
                 for f, _kinds in fields], returning=("id",))
            # One writer, one statement: ids are handed out in VALUES order.
            ids = sorted(r["id"] for r in inserted)
            variants = []
            for product_id, (f, kinds) in zip(ids, fields, strict=True):
                base_price = rng.randrange(15_000, 450_000, 500)
                for j, attributes in enumerate(_variant_attributes(rng, kinds, VARIANTS_PER_PRODUCT)):
                    n = done_variants + len(variants)
                    sku = f"{''.join(w[0] for w in f['name'].split()[:3]).upper()}-{n:06d}"
                    barcode = f"899{n:010d}"
                    label = " / ".join(attributes.values())
                    values = {"name": label, "barcode": barcode, "attributes": attributes}
                    text = search_text_of(f, {"sku": sku, **values})
                    variants.append((org, product_id, sku, barcode, label, json.dumps(attributes, ensure_ascii=False),
                                     base_price + 5_000 * j, base_price * 6 // 10, rng.choice([150, 250, 500, 1000]),
                                     "", rng.choice([0, 0, 3, 5, 10]), False, False, text, now, now))
            for start in range(0, len(variants), VARIANT_CHUNK):
                await insert_rows(Variant, variant_columns, variants[start:start + VARIANT_CHUNK], returning=("id",))
        done_products += count
        done_variants += len(variants)
        if not sample_sku:
            sample_sku, sample_barcode = variants[len(variants) // 2][2], variants[len(variants) // 3][3]
        if done_products % 20_000 == 0:
            log.info("seeded %d products / %d variants", done_products, done_variants)
    return done_products, done_variants, sample_sku, sample_barcode


async def _seed_stock(tenant) -> tuple[list[int], list[tuple[int, int, int]]]:
    """Three locations and STOCKED_VARIANTS variants with stock, through the services."""
    from app.domains.catalog.tables import Variant
    from app.domains.inventory.locations import create_location, default_location
    from app.domains.inventory.stock import Line, count_many

    # The warehouse every organisation starts with, and two more.
    locations = [(await default_location(tenant))["id"]] + [
        (await create_location(tenant, name, code))["id"]
        for name, code in (("Gudang Surabaya", "SBY"), ("Toko Bandung", "BDG"))]
    rng = random.Random(7)
    ids = [r["id"] for r in await tenant.scoped(Variant).select(Variant.id)]
    chosen = sorted(rng.sample(ids, k=min(STOCKED_VARIANTS, len(ids))))
    lines = []
    for i, variant_id in enumerate(chosen):
        lines.append(Line(variant_id, locations[i % 3], rng.randint(500, 5_000)))
        if i % 4 == 0:
            lines.append(Line(variant_id, locations[(i + 1) % 3], rng.randint(0, 200)))
    await count_many(tenant, lines, reference="bench:opening-stock", reason="saldo awal")
    return locations, [(line.variant_id, line.location_id, line.quantity) for line in lines]


async def seeded_catalog(env: BenchEnvironment) -> Catalog:
    """The run's big catalog, seeded on first use."""
    async with _seed_lock:
        if "catalog" in _seeded:
            return _seeded["catalog"]
        from app.core.database import is_postgres
        from app.core.tenancy import Actor, Tenant
        from app.domains.accounts.schemas import SignupForm
        from app.domains.accounts.services import sign_up
        from app.domains.catalog.tables import Variant

        began = time.monotonic()
        email = f"catalog.{env.run_id}@example.id"
        user_id, org_id = await sign_up(SignupForm(name="Rina Marlina", organization_name="Grosir Nusantara Jaya",
                                                   email=email, password="bench-password-42"), ip="127.0.0.1")
        tenant = Tenant(org_id, Actor(user_id, "127.0.0.1", email))
        # The whole seeding has SEED_SECONDS_BUDGET; on SQLite the catalog stops growing there.
        deadline = began + (SEED_SECONDS_BUDGET if env.engine == "sqlite" else float("inf"))
        products, variants, sku, barcode = await _seed_catalog(tenant, PRODUCTS, deadline)
        log.info("catalog: %d products / %d variants in %.1fs", products, variants, time.monotonic() - began)
        locations, stocked = await _seed_stock(tenant)
        if is_postgres():
            await Variant.raw("ANALYZE")
        catalog = Catalog(org_id, user_id, products, variants, locations, stocked, sku.lower(), barcode,
                          time.monotonic() - began, scaled=products < PRODUCTS)
        if catalog.scaled:
            log.warning("catalog: seeding stopped at the %.0fs budget with %d products / %d variants (of %d / %d)",
                        SEED_SECONDS_BUDGET, products, variants, PRODUCTS, PRODUCTS * VARIANTS_PER_PRODUCT)
        log.info("seeded %d products, %d variants, %d stock levels at %d locations in %.1fs", products, variants,
                 len(stocked), len(locations), catalog.seconds)
        _seeded["catalog"] = catalog
        return catalog


def _tenant(catalog: Catalog):
    from app.core.tenancy import Actor, Tenant

    return Tenant(catalog.organization_id, Actor(catalog.user_id, "127.0.0.1"))


@benchmark("catalog.")
async def search(env: BenchEnvironment) -> None:
    """catalog.search.p50_ms / .p95_ms (first pages) and catalog.page_next.p95_ms (keyset pages)."""
    from app.domains.catalog.services import search_variants

    catalog = await seeded_catalog(env)
    tenant = _tenant(catalog)
    queries = MANY_QUERIES + FEW_QUERIES + [catalog.sample_sku, catalog.sample_barcode, "zzkx"]
    for q in queries:  # warm-up: plans and caches as a running server has them
        await search_variants(tenant, q)
    samples: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    hits: dict[str, int] = {}
    for _ in range(SEARCH_ROUNDS):
        for q in queries:
            t0 = time.perf_counter()
            page = await search_variants(tenant, q)
            ms = (time.perf_counter() - t0) * 1000
            samples.append(ms)
            per_query[q].append(ms)
            hits[q] = len(page.rows) + (1 if page.next_after else 0)
    for q in queries:
        log.info("search %-14r first page %s rows: median %.1f ms", q,
                 "50+" if hits[q] > 50 else hits[q], statistics.median(per_query[q]))

    pages: list[float] = []
    for _ in range(PAGE_ROUNDS):
        for q in BROWSE_QUERIES:
            page = await search_variants(tenant, q)
            for _depth in range(PAGE_DEPTH):
                if page.next_after is None:
                    break
                t0 = time.perf_counter()
                page = await search_variants(tenant, q, after=page.next_after)
                pages.append((time.perf_counter() - t0) * 1000)
    log.info("keyset next pages: %d, median %.1f ms, p95 %.1f ms", len(pages), statistics.median(pages),
             percentile(pages, 95))
    if catalog.scaled:
        log.warning("catalog figures are on %d variants, not %d", catalog.variants, PRODUCTS * VARIANTS_PER_PRODUCT)
    env.report("catalog.search.p50_ms", round(percentile(samples, 50), 2), "ms", len(samples))
    env.report("catalog.search.p95_ms", round(percentile(samples, 95), 2), "ms", len(samples))
    env.report("catalog.page_next.p95_ms", round(percentile(pages, 95), 2), "ms", len(pages))


@benchmark("inventory.")
async def reservations(env: BenchEnvironment) -> None:
    """inventory.reserve.p50_ms (sequential) and inventory.reserve_contended.ms_per_op."""
    from app.domains.inventory.errors import InsufficientStock
    from app.domains.inventory.stock import Line, levels, receive, reserve
    from app.domains.inventory.tables import StockMovement

    catalog = await seeded_catalog(env)
    tenant = _tenant(catalog)
    stocked = [(v, loc) for v, loc, qty in catalog.stocked if qty >= 500]
    for v, loc in stocked[:10]:  # warm-up
        await reserve(tenant, [Line(v, loc, 1)], reference="bench:warm-up")
    samples = []
    for i in range(RESERVES):
        v, loc = stocked[10 + i % (len(stocked) - 10)]
        t0 = time.perf_counter()
        await reserve(tenant, [Line(v, loc, 1)], reference=f"bench:order-{i}")
        samples.append((time.perf_counter() - t0) * 1000)
    log.info("sequential reserve: median %.2f ms, p95 %.2f ms", percentile(samples, 50), percentile(samples, 95))
    env.report("inventory.reserve.p50_ms", round(percentile(samples, 50), 2), "ms", len(samples))

    # 200 buyers at once on one variant that has exactly 200 available: every one must succeed.
    variant_id, location_id = stocked[-1]
    before = (await levels(tenant, [variant_id]))
    have = next(lv for lv in before if lv.location_id == location_id)
    if have.available < CONTENDED:
        await receive(tenant, variant_id, location_id, CONTENDED - have.available, reason="bench top-up")
    elif have.available > CONTENDED:
        await reserve(tenant, [Line(variant_id, location_id, have.available - CONTENDED)], reference="bench:hold")
    outcomes = {"ok": 0, "insufficient": 0}

    async def buy(i: int) -> None:
        try:
            await reserve(tenant, [Line(variant_id, location_id, 1)], reference=f"bench:rush-{i}")
            outcomes["ok"] += 1
        except InsufficientStock:
            outcomes["insufficient"] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(buy(i) for i in range(CONTENDED)))
    total_ms = (time.perf_counter() - t0) * 1000
    after = next(lv for lv in await levels(tenant, [variant_id]) if lv.location_id == location_id)
    ledger = await StockMovement.count().where((StockMovement.variant == variant_id)
                                               & StockMovement.reference.like("bench:rush-%"))
    log.info("contended reserve: %d ok, %d insufficient in %.0f ms; available now %d, %d ledger rows",
             outcomes["ok"], outcomes["insufficient"], total_ms, after.available, ledger)
    if outcomes["ok"] != CONTENDED or after.available != 0 or ledger != CONTENDED:
        raise RuntimeError(f"contended reservations went wrong: {outcomes}, available {after.available}, "
                           f"{ledger} ledger rows")
    env.report("inventory.reserve_contended.ms_per_op", round(total_ms / CONTENDED, 2), "ms", CONTENDED)
