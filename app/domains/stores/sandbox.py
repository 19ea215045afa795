"""The marketplace sandbox mounted under /sandbox in the web process (SANDBOX_ENABLED).

It is a separate emulator with its own in-memory state: it never reads StoreSync's tables, and
StoreSync reaches it only over HTTP through the adapters, exactly as it would the real hosts. Its
apps are registered with the credentials StoreSync is configured with, and one Shopee, one
TikTok and one Lazada shop exist from the start with their webhook URLs pointing back at this app, so `make run`
connects stores end to end with no internet.

Its control API (/sandbox/_control: inject faults, fake orders, expire tokens) answers only
loopback clients and signed-in platform admins; everyone else gets a 404, as for any unknown page.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from litestar import Litestar, asgi
from litestar.connection import ASGIConnection
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Scope, Send

from app.core.auth import client_ip, load_context
from app.domains.catalog import demo_listings
from app.sandbox import SandboxState, create_sandbox_app
from app.sandbox.server import register_payment_accounts
from app.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def mounted_sandbox() -> Litestar:
    settings = get_settings()
    base = settings.base_url.rstrip("/")
    state = SandboxState(seed=2026)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    state.register_tiktok_app(settings.tiktok_app_key, settings.tiktok_app_secret,
                              service_id=settings.tiktok_service_id, redirect_url=f"{base}/stores/callback")
    state.register_lazada_app(settings.lazada_app_key, settings.lazada_app_secret, redirect_url=f"{base}/stores/callback")
    shopee = state.create_shop("shopee", app_id=settings.shopee_partner_id, name="Toko Demo Official Shop",
                               callback_url=f"{base}/webhooks/shopee")
    tiktok = state.create_shop("tiktok", app_id=settings.tiktok_app_key, name="Toko Demo TikTok Shop",
                               callback_url=f"{base}/webhooks/tiktok")
    lazada = state.create_shop("lazada", app_id=settings.lazada_app_key, name="Toko Demo Lazada",
                               callback_url=f"{base}/webhooks/lazada")
    seed_demo_listings(state, "shopee", shopee.shop_id)
    seed_demo_listings(state, "lazada", lazada.shop_id, skip_last=3)
    seed_demo_listings(state, "tiktok", tiktok.shop_id, skip_last=3)
    seed_demo_orders(state, "shopee", shopee.shop_id)
    seed_demo_orders(state, "tiktok", tiktok.shop_id)
    seed_demo_orders(state, "lazada", lazada.shop_id)
    register_payment_accounts(state, settings, public_url=f"{base}/sandbox")
    register_demo_courier(state, base)
    return create_sandbox_app(state, own_logging=False)


def register_demo_courier(state: SandboxState, base_url: str) -> None:
    """The courier sandbox's account (SANDBOX_BITESHIP_API_KEY) sends its webhooks to the demo
    organisation's receiver at base_url, whose URL token the demo seed sets in advance."""
    settings = get_settings()
    url, header, secret = settings.demo_courier_webhook()
    url = base_url.rstrip("/") + url.removeprefix(settings.base_url.rstrip("/"))
    state.couriers.register(settings.sandbox_biteship_api_key, url, header, secret)


def seed_demo_orders(state: SandboxState, platform: str, shop_id: str, count: int = 4) -> None:
    """A few paid orders waiting in the demo shop (the first fetch after connecting brings them):
    most of catalog listings, the last one of the bundle that waits to be mapped, so mapping it
    (or creating its product) shows the order become pickable."""
    shop = state.shop(platform, shop_id)
    products = list(shop.products.values())
    bundle = next((p for p in products if p.skus[0].seller_sku == DEMO_UNMAPPED[0][1][0][0]), None)
    catalog = [p for p in products if p is not bundle][:len(products) - len(DEMO_UNMAPPED)]
    for n in range(count - 1):
        product = catalog[(n * 5) % len(catalog)]
        state.create_order(platform, shop_id, lines=[(product.product_id, product.skus[0].sku_id, 1)], push=False)
    if bundle is not None:
        state.create_order(platform, shop_id, lines=[(bundle.product_id, bundle.skus[0].sku_id, 1)], push=False)


# Listings of the demo shops that the demo catalog does not map at import: a bundle and a new
# product to create from the queue, and a catalog item whose SKU was typed differently on the
# marketplace (the queue suggests MKP-1201 for "mkp_1201").
DEMO_UNMAPPED: list[tuple[str, list[tuple[str, tuple[str, ...], int, int]]]] = [
    ("Paket Hemat Kopi Gayo + Sambal Bawang", [("PAKET-KOPI-SAMBAL", (), 109_000, 6)]),
    ("Tumbler Stainless 500 ml", [("TS5-HITAM", ("Hitam",), 79_000, 12), ("TS5-PUTIH", ("Putih",), 79_000, 9)]),
    ("Minyak Kayu Putih 60 ml Isi Ulang", [("mkp_1201", (), 28_000, 14)]),
]


def seed_demo_listings(state: SandboxState, platform: str, shop_id: str, *, skip_last: int = 0,
                       extras: bool = True, unmatched: int = 0) -> None:
    """The demo shop sells the demo catalog under the same seller SKUs (so importing its listings
    maps them), plus a few listings of its own that wait in the unmapped queue (DEMO_UNMAPPED
    with extras, and `unmatched` generated products)."""
    listings = demo_listings()
    for n, (title, variants) in enumerate(listings[:len(listings) - skip_last]):
        state.add_listing(platform, shop_id, title,
                          [(sku, label, price, 5 + (n * 7 + i * 3) % 20) for i, (sku, label, price) in enumerate(variants)])
    if extras:
        for extra_title, extra_variants in DEMO_UNMAPPED:
            state.add_listing(platform, shop_id, extra_title, extra_variants)
    state.add_products(platform, shop_id, unmatched)


@asgi("/sandbox", is_mount=True, copy_scope=True, opt={"public": True}, name="sandbox:mount")
async def sandbox_mount(scope: Scope, receive: Receive, send: Send) -> None:
    """Hand /sandbox/... to the emulator with the prefix stripped (its paths stand in for the hosts)."""
    if _is_control(scope["path"]):
        connection: ASGIConnection = ASGIConnection(scope, receive, send)
        if not await may_control(connection):
            log.warning("sandbox control API refused to %s: %s %s", client_ip(connection), scope.get("method"),
                        scope["path"])
            await ASGIResponse(body=b'{"error":"not_found","message":"Not found."}', status_code=404,
                               media_type="application/json")(scope, receive, send)
            return
    await mounted_sandbox()(scope, receive, send)


def _is_control(path: str) -> bool:
    return path.lstrip("/").startswith("_control")


async def may_control(connection: ASGIConnection) -> bool:
    """Loopback clients (tests, the machine's own tools) and signed-in platform admins."""
    try:
        if ipaddress.ip_address(client_ip(connection)).is_loopback:
            return True
    except ValueError:
        pass
    ctx = await load_context(connection)
    return ctx is not None and ctx.superuser
