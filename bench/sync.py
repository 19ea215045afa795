"""Sync figures against the marketplace sandbox: listing import, forced stock push, and the time
from a stock change to the new quantity showing on the marketplace.

The sandbox (app.sandbox.server.BackgroundSandbox) serves Shopee and TikTok Shop over real HTTP
on a loopback port, on a thread of this process (as the stores tests run it), and the app's
settings point at it as tests/marketplace.py does. One organisation, one Shopee and one TikTok
shop. The sandbox's generated products keep their titles and options, but their seller SKUs are
renumbered (BSK-00000, BSK-00001, ... in each shop) so that every SKU of a shop exists as a master
variant and the same variant is sold in both stores. Master catalog and opening stock are bulk
inserted (the CSV importer's insert_rows, stock.count_many); stores are connected through the real
flow minus the browser (begin_connection, the sandbox issuing a code, finish_connection).

Measured through the real services: app.domains.sync.listing_import.import_store_listings,
app.domains.sync.push.push_store(force=True), and inventory.stock.adjust followed by
sync.dispatch.push_changes run in a loop as the worker would run it (without the worker's 1 s
coalescing delay and queue pick-up, which come on top in production).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass, field

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.sync")

# Listings (marketplace SKUs: Shopee models, TikTok SKUs) per store. Shopee is called through the
# app's own per-shop limit of 10 requests/s (one model-list call per item on import, one
# update_stock call per item on push), which makes it the slow store; see README.
LISTINGS = {"shopee": 2_500, "tiktok": 5_000}
SKU_PREFIX = "BSK"
LATENCY_SAMPLES = 30
SAMPLE_TIMEOUT = 15.0  # seconds a pushed quantity may take to show before the benchmark fails
PUSH_LOOP_IDLE = 0.01  # the simulated worker's pause when the outbox was empty
POLL = 0.002  # how often the sandbox is looked at while waiting for a quantity


@dataclass
class Shop:
    platform: str
    shop_id: str
    # seller SKU -> (sandbox product id, sandbox SKU id)
    skus: dict[str, tuple[str, str]] = field(default_factory=dict)
    store_id: int = 0


def _sandbox_shop(state, platform: str, listings: int, settings) -> Shop:
    """A sandbox shop with at least `listings` SKUs, renumbered BSK-00000 onwards."""
    app_id = settings.shopee_partner_id if platform == "shopee" else settings.tiktok_app_key
    sandbox_shop = state.create_shop(platform, app_id=app_id, products=0)
    shop = Shop(platform, sandbox_shop.shop_id)
    count = 0
    while count < listings:
        for product in state.add_products(platform, sandbox_shop.shop_id, 1):
            with state.lock:
                for sku in product.skus:
                    sku.seller_sku = f"{SKU_PREFIX}-{count:05d}"
                    shop.skus[sku.seller_sku] = (product.product_id, sku.sku_id)
                    count += 1
                if not product.has_variants:
                    product.seller_sku = product.skus[0].seller_sku
    return shop


async def _seed_master(tenant, skus: list[str]) -> list[int]:
    """A product per three SKUs with stock at one location; the variant ids in SKU order."""
    from app.core.clock import utcnow
    from app.domains.catalog.services import search_text_of
    from app.domains.catalog.spreadsheet_import import insert_rows
    from app.domains.catalog.statuses import ProductStatus
    from app.domains.catalog.tables import Product, Variant
    from app.domains.inventory.locations import default_location
    from app.domains.inventory.stock import Line, count_many

    rng = random.Random(5)
    now = utcnow()
    names = [f"Produk Sinkron {i // 3 + 1:04d}" for i in range(0, len(skus), 3)]
    products = await insert_rows(
        Product, ("organization", "name", "brand", "category", "description", "status", "created_at", "updated_at"),
        [(tenant.organization_id, name, "Toko Bench", "Fashion", "", ProductStatus.ACTIVE.value, now, now)
         for name in names], returning=("id",))
    product_ids = sorted(r["id"] for r in products)
    rows = []
    for i, sku in enumerate(skus):
        fields = {"name": names[i // 3], "brand": "Toko Bench", "category": "Fashion"}
        attributes = {"seri": str(i % 3 + 1)}
        values = {"name": attributes["seri"], "barcode": f"899{i:010d}", "attributes": attributes}
        rows.append((tenant.organization_id, product_ids[i // 3], sku, values["barcode"], values["name"],
                     json.dumps(attributes), 50_000, 30_000, 250, "", 0, False, False,
                     search_text_of(fields, {"sku": sku, **values}), now, now))
    ids: dict[str, int] = {}
    for start in range(0, len(rows), 1_000):
        for r in await insert_rows(
                Variant, ("organization", "product", "sku", "barcode", "name", "attributes", "price", "cost",
                          "weight_grams", "image_url", "reorder_point", "is_bundle", "archived", "search_text",
                          "created_at", "updated_at"), rows[start:start + 1_000], returning=("id", "sku")):
            ids[r["sku"]] = r["id"]
    location = (await default_location(tenant))["id"]  # the warehouse every organisation starts with
    await count_many(tenant, [Line(ids[sku], location, rng.randint(5, 120)) for sku in skus],
                     reference="bench:opening-stock", reason="saldo awal")
    return [ids[sku] for sku in skus]


async def _connect(tenant, state, shop: Shop) -> int:
    """The connect flow as the browser drives it: a one-time state, the seller approving on the
    marketplace (the sandbox issues the code), the callback trading it for tokens."""
    from app.domains.stores import services
    from app.domains.stores.connections import CONNECT_TTL, finish_connection
    from app.integrations.base import Platform

    platform = Platform(shop.platform)
    one_time = await services.begin_connection(tenant, platform, CONNECT_TTL)
    code = state.issue_code(shop.platform, shop.shop_id)
    connected = await finish_connection(tenant, state=one_time, code=code,
                                        shop_id=shop.shop_id if shop.platform == "shopee" else None)
    stores = {s.platform_shop_id: s.id for s in await services.list_stores(tenant)}
    assert connected, f"no store connected for {shop.platform} {shop.shop_id}"
    return stores[shop.shop_id]


@benchmark("sync.")
async def sync_with_sandbox(env: BenchEnvironment) -> None:
    """sync.import_listings.per_s, sync.push.per_s, sync.stock_to_listing.p50_ms / .p95_ms."""
    from app.sandbox.server import BackgroundSandbox
    from app.sandbox.state import SandboxState
    from app.settings import get_settings

    settings = get_settings()
    state = SandboxState(seed=11)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    state.register_tiktok_app(settings.tiktok_app_key, settings.tiktok_app_secret,
                              service_id=settings.tiktok_service_id,
                              redirect_url=f"{settings.base_url.rstrip('/')}/stores/callback")
    names = ("shopee_api_base", "tiktok_api_base", "tiktok_auth_base", "tiktok_authorize_url")
    saved = {name: getattr(settings, name) for name in names}
    with BackgroundSandbox(state) as server:
        settings.shopee_api_base = f"{server.url}/shopee"
        settings.tiktok_api_base = f"{server.url}/tiktok"
        settings.tiktok_auth_base = f"{server.url}/tiktok-auth"
        settings.tiktok_authorize_url = f"{server.url}/tiktok-services/open/authorize"
        try:
            await _run(env, state, settings)
        finally:
            for name, value in saved.items():
                setattr(settings, name, value)


async def _run(env: BenchEnvironment, state, settings) -> None:
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.inventory.stock import adjust, available, levels
    from app.domains.sync import dispatch
    from app.domains.sync.listing_import import import_store_listings
    from app.domains.sync.push import push_store

    began = time.monotonic()
    shops = [_sandbox_shop(state, platform, count, settings) for platform, count in LISTINGS.items()]
    log.info("sandbox: %s in %.1fs", ", ".join(f"{s.platform} {len(s.skus)} SKUs" for s in shops),
             time.monotonic() - began)
    email = f"sync.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Butik Dewi Official",
                                               email=email, password="bench-password-42"), ip="127.0.0.1")
    tenant = Tenant(org_id, Actor(user_id, "127.0.0.1", email))
    all_skus = sorted({sku for shop in shops for sku in shop.skus})
    variant_ids = dict(zip(all_skus, await _seed_master(tenant, all_skus), strict=True))
    for shop in shops:
        shop.store_id = await _connect(tenant, state, shop)
    log.info("seeded %d master variants with stock and connected %d stores in %.1fs", len(all_skus), len(shops),
             time.monotonic() - began)

    # -- import -----------------------------------------------------------------------------
    imported, import_seconds = 0, 0.0
    for shop in shops:
        t0 = time.perf_counter()
        counts = await import_store_listings(tenant, shop.store_id)
        seconds = time.perf_counter() - t0
        log.info("import %s: %d listings (%d mapped, %d unmapped) in %.1fs, %.0f/s", shop.platform, counts.created,
                 counts.auto_mapped, counts.unmapped, seconds, counts.created / seconds)
        if counts.created != len(shop.skus) or counts.auto_mapped != len(shop.skus):
            raise RuntimeError(f"{shop.platform} import: {counts} for {len(shop.skus)} sandbox SKUs")
        imported += counts.created
        import_seconds += seconds
    env.report("sync.import_listings.per_s", round(imported / import_seconds, 1), "listings/s", imported)

    # -- forced push ------------------------------------------------------------------------
    pushed, push_seconds = 0, 0.0
    for shop in shops:
        t0 = time.perf_counter()
        report = await push_store(tenant, shop.store_id, force=True)
        seconds = time.perf_counter() - t0
        log.info("push %s: %d sent, %d failed in %.1fs, %.0f/s", shop.platform, report.sent, report.failed, seconds,
                 report.sent / seconds)
        if report.sent != len(shop.skus):
            raise RuntimeError(f"{shop.platform} push: {report}")
        pushed += report.sent
        push_seconds += seconds
    env.report("sync.push.per_s", round(pushed / push_seconds, 1), "listings/s", pushed)

    # -- stock change to marketplace --------------------------------------------------------
    await dispatch.push_changes(tenant)  # the opening stock's outbox rows: nothing left to send

    both = sorted(set(shops[0].skus).intersection(*(s.skus for s in shops[1:])))
    picks = random.Random(3).sample(both, k=min(LATENCY_SAMPLES, len(both)))
    stop = asyncio.Event()
    rounds = {"runs": 0, "pushed": 0}

    async def worker() -> None:
        while not stop.is_set():
            reports = await dispatch.push_changes(tenant)
            rounds["runs"] += 1
            rounds["pushed"] += sum(r.sent for r in reports)
            if not reports:
                await asyncio.sleep(PUSH_LOOP_IDLE)

    pusher = asyncio.create_task(worker())
    samples: list[float] = []
    try:
        for i, sku in enumerate(picks):
            variant_id = variant_ids[sku]
            level = (await levels(tenant, [variant_id]))[0]
            location_id = level.location_id
            delta = 7 if i % 2 == 0 or level.available < 10 else -5
            expected = await available(tenant, variant_id) + delta
            targets = [(shop, *shop.skus[sku]) for shop in shops]
            await asyncio.sleep(0.05)
            t0 = time.perf_counter()
            await adjust(tenant, variant_id, location_id, delta, reason="bench: stock opname")
            while True:
                if all(state.listing_stock(s.platform, s.shop_id, product)[sku_id] == expected
                       for s, product, sku_id in targets):
                    break
                if time.perf_counter() - t0 > SAMPLE_TIMEOUT:
                    raise RuntimeError(f"{sku}: {expected} not on every listing after {SAMPLE_TIMEOUT}s")
                if pusher.done():
                    pusher.result()  # the worker loop died: its error
                await asyncio.sleep(POLL)
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        stop.set()
        await pusher
    log.info("stock to listing on %d stores: %d samples, median %.0f ms, p95 %.0f ms, max %.0f ms "
             "(worker loop ran %d times, %d listing pushes)", len(shops), len(samples), percentile(samples, 50),
             percentile(samples, 95), max(samples), rounds["runs"], rounds["pushed"])
    env.report("sync.stock_to_listing.p50_ms", round(percentile(samples, 50), 1), "ms", len(samples))
    env.report("sync.stock_to_listing.p95_ms", round(percentile(samples, 95), 1), "ms", len(samples))
