"""Bulk publishing through the sandbox: products with 3 variants (colour tier) and 3 photos each,
published to one Shopee store by publishing.publish_many (the bulk job's service) over real HTTP.

Per product on Shopee: 3 media_space.upload_image calls, logistics.get_channel_list, product.add_item
and product.init_tier_variation (6 calls), all through the app's own per-shop rate limit (the Shopee
adapter's RateLimitPolicy, 10 requests/s), which bounds the rate: at most ~100 products/min. The
figure's JSON carries that limit as `limit_per_s` and the bound as `bound_products_per_min`.

BENCH_PUBLISH_PRODUCTS sets the number of products (500 by default; at the limit that is ~5 min of
publishing, and seeding the catalog's photos takes ~2 s per product on a 2-core machine).
"""

from __future__ import annotations

import io
import json
import logging
import os
import time

from bench import benchmark
from bench.environment import BenchEnvironment

log = logging.getLogger("bench.publish")

PRODUCTS = int(os.environ.get("BENCH_PUBLISH_PRODUCTS", "500"))
COLOURS = (("Hitam", (20, 20, 20)), ("Putih", (240, 240, 240)), ("Merah", (200, 30, 30)))
CALLS_PER_PRODUCT = 6  # 3 uploads, channel list, add_item, init_tier_variation


def _photo(rgb: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 800), rgb).save(out, format="PNG")
    return out.getvalue()


@benchmark("publish.")
async def publish_to_sandbox(env: BenchEnvironment) -> None:
    """publish.products_per_min."""
    from app.sandbox.server import BackgroundSandbox
    from app.sandbox.state import SandboxState
    from app.settings import get_settings

    settings = get_settings()
    state = SandboxState(seed=17)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    with BackgroundSandbox(state) as server:
        saved = settings.shopee_api_base
        settings.shopee_api_base = f"{server.url}/shopee"
        try:
            await _run(env, state)
        finally:
            settings.shopee_api_base = saved


async def _run(env: BenchEnvironment, state) -> None:
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.catalog.images import set_variant_image
    from app.domains.catalog.schemas import ProductForm, VariantForm
    from app.domains.catalog.services import create_product, get_product
    from app.domains.publishing import propose, publish, publish_many
    from app.domains.publishing.services import form_values
    from bench.sync import Shop, _connect

    email = f"publish.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Butik Dewi Publish",
                                               email=email, password="bench-password-42"), ip="127.0.0.1")
    tenant = Tenant(org_id, Actor(user_id, "127.0.0.1", email))
    from app.settings import get_settings
    sandbox_shop = state.create_shop("shopee", app_id=get_settings().shopee_partner_id, products=0)
    store_id = await _connect(tenant, state, Shop("shopee", sandbox_shop.shop_id))

    photos = [_photo(rgb) for _name, rgb in COLOURS]
    began = time.monotonic()
    product_ids = []
    for i in range(PRODUCTS):
        product_id = await create_product(tenant, ProductForm(
            name=f"Kaos Polos Katun Combed {i:04d}", category="Kaos pria", description="Kaos katun combed 30s.",
            variants=[VariantForm(sku=f"PUB-{i:04d}-{name[:3].upper()}", price=50_000, weight_grams=250,
                                  attributes={"colour": name}) for name, _rgb in COLOURS]))
        _product, rows = await get_product(tenant, product_id)
        for row, content in zip(rows, photos, strict=True):
            await set_variant_image(tenant, product_id, row["id"], content)
        product_ids.append(product_id)
    log.info("seeded %d products (3 variants, 3 photos each) in %.1fs", PRODUCTS, time.monotonic() - began)

    # The seller fills the category's attributes once (the first product); the bulk job reuses them.
    t0 = time.perf_counter()
    proposal = await propose(tenant, product_ids[0], store_id)
    form = form_values(proposal)
    form.update({f"attr_{a.attribute_id}": a.values[0].value_id if a.values else "Toko Bench"
                 for a in proposal.attributes if a.mandatory})
    await publish(tenant, product_ids[0], store_id, form)
    results = await publish_many(tenant, store_id, product_ids[1:])
    seconds = time.perf_counter() - t0
    failed = [r for r in results if r.listing_id is None]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(results)} not published, first: {failed[0].errors}")
    created = len(state.shops[("shopee", sandbox_shop.shop_id)].products)
    if created != PRODUCTS:
        raise RuntimeError(f"{created} items on the sandbox shop for {PRODUCTS} products")
    per_min = round(PRODUCTS / seconds * 60, 1)
    limit_per_s = 10
    log.info("published %d products in %.1fs: %.1f/min (limit %d requests/s, %d calls per product)",
             PRODUCTS, seconds, per_min, limit_per_s, CALLS_PER_PRODUCT)
    env.report("publish.products_per_min", per_min, "products/min", PRODUCTS)
    print(json.dumps({"name": "publish.rate_limit", "platform": "shopee", "limit_per_s": limit_per_s,
                      "calls_per_product": CALLS_PER_PRODUCT,
                      "bound_products_per_min": round(limit_per_s * 60 / CALLS_PER_PRODUCT, 1),
                      "products": PRODUCTS}), file=env.out, flush=True)
