"""Marketplace adapter figures: listing fetch and stock update rates through ShopeeAdapter and
TikTokAdapter against the sandbox over real HTTP, and what the adapter layer costs on top of raw
httpx for the same requests.

The sandbox (app.sandbox.server.BackgroundSandbox) runs on a thread of this process. Shops are
made with SandboxState.create_shop and their tokens issued by the sandbox's own token table
(SandboxState.issue_tokens, what the code exchange does), so the adapters are called directly with
a ShopConnection and a StaticToken: no database involved.

Each adapter is measured twice: as the app builds it (RateLimitPolicy of 10 requests/s per Shopee
shop, 50 per TikTok shop; figures `adapter.<platform>.*`) and with the limit raised out of the way
(RateLimitPolicy(requests=1_000_000), still going through the Redis limiter; figures
`*_unthrottled`). For the overhead ratio every request of the unthrottled runs is recorded (an
httpx request hook) and then replayed with a bare httpx.AsyncClient: re-signed with
app/integrations/{shopee,tiktok}/signing.py (fresh timestamp), sent, `json.loads` of the body. The
ratio is total adapter seconds / total raw seconds over both platforms, listings and stock.
"""

from __future__ import annotations

import json
import logging
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from bench import benchmark
from bench.environment import BenchEnvironment

log = logging.getLogger("bench.adapters")

PRODUCTS = 1_000  # products (Shopee items / TikTok products) in the shop each unthrottled fetch reads
# Throttled Shopee fetch: ~1 model-list call per item at 10 requests/s would take ~100 s for 1,000
# items, too long for one module; 200 items (~22 calls/s-limited seconds) show the same rate.
THROTTLED_PRODUCTS = {"shopee": 200, "tiktok": 1_000, "lazada": 1_000}
# The app's own limits per shop (as build_adapter leaves them).
APP_LIMITS = {"shopee": 10, "tiktok": 50, "lazada": 20}
STOCK_UPDATES = 500  # variants per update_stock run
RAISED = 1_000_000  # requests/s: a limit that never binds


@contextmanager
def sandbox_settings():
    """The sandbox on a thread, the app's settings pointed at it (as tests/marketplace.py does);
    yields (server, state)."""
    from app.sandbox.server import BackgroundSandbox
    from app.sandbox.state import SandboxState
    from app.settings import get_settings

    settings = get_settings()
    state = SandboxState(seed=23)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    state.register_tiktok_app(settings.tiktok_app_key, settings.tiktok_app_secret,
                              service_id=settings.tiktok_service_id,
                              redirect_url=f"{settings.base_url.rstrip('/')}/stores/callback")
    state.register_lazada_app(settings.lazada_app_key, settings.lazada_app_secret,
                              redirect_url=f"{settings.base_url.rstrip('/')}/stores/callback")
    names = ("shopee_api_base", "tiktok_api_base", "tiktok_auth_base", "tiktok_authorize_url", "lazada_api_base",
             "lazada_auth_base", "lazada_authorize_url")
    saved = {name: getattr(settings, name) for name in names}
    with BackgroundSandbox(state) as server:
        settings.shopee_api_base = f"{server.url}/shopee"
        settings.tiktok_api_base = f"{server.url}/tiktok"
        settings.tiktok_auth_base = f"{server.url}/tiktok-auth"
        settings.tiktok_authorize_url = f"{server.url}/tiktok-services/open/authorize"
        settings.lazada_api_base = f"{server.url}/lazada/rest"
        settings.lazada_auth_base = f"{server.url}/lazada-auth/rest"
        settings.lazada_authorize_url = f"{server.url}/lazada-auth/oauth/authorize"
        try:
            yield server, state
        finally:
            for name, value in saved.items():
                setattr(settings, name, value)


@dataclass
class Recorded:
    method: str
    path: str  # after the platform prefix (/shopee, /tiktok): the signed path
    params: list[tuple[str, str]]
    content: bytes
    headers: dict[str, str]


class Recorder:
    """An httpx request hook keeping what was sent, to replay it raw."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.requests: list[Recorded] = []

    async def __call__(self, request: httpx.Request) -> None:
        path = request.url.path
        path = path[len(self.prefix):] if path.startswith(self.prefix) else path
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "x-tts-access-token")}
        self.requests.append(Recorded(request.method, path, list(request.url.params.multi_items()),
                                      request.content, headers))


def _resigned(platform: str, r: Recorded, settings) -> list[tuple[str, str]]:
    from app.integrations.shopee import signing as shopee_signing
    from app.integrations.tiktok import signing as tiktok_signing

    timestamp = str(int(time.time()))
    if platform == "shopee":
        params = [(k, timestamp if k == "timestamp" else v) for k, v in r.params if k != "sign"]
        given = dict(params)
        sign = shopee_signing.api_sign(settings.shopee_partner_key, partner_id=settings.shopee_partner_id,
                                       path=r.path, timestamp=int(timestamp), access_token=given.get("access_token"),
                                       shop_id=given.get("shop_id"))
        return [*params, ("sign", sign)]
    query = {k: (timestamp if k == "timestamp" else v) for k, v in r.params if k != "sign"}
    query["sign"] = tiktok_signing.api_sign(settings.tiktok_app_secret, path=r.path, query=query,
                                            body=r.content or None)
    return list(query.items())


async def _replay(platform: str, base: str, recorded: list[Recorded], settings) -> float:
    """Seconds to send every recorded request again, re-signed, with a bare httpx client."""
    async with httpx.AsyncClient(timeout=20) as client:
        t0 = time.perf_counter()
        for r in recorded:
            response = await client.request(r.method, f"{base}{r.path}", params=_resigned(platform, r, settings),
                                            content=r.content or None, headers=r.headers)
            payload = json.loads(response.content)
            failed = payload.get("error") if platform == "shopee" else payload.get("code")
            if response.status_code != 200 or failed:
                raise RuntimeError(f"raw {platform} {r.path}: {response.status_code} {response.text[:200]}")
        return time.perf_counter() - t0


def _adapter(platform: str, server_url: str, settings, rate_limit, http: httpx.AsyncClient):
    from app.core.redis import redis_client
    from app.integrations.lazada.adapter import LazadaAdapter
    from app.integrations.shopee.adapter import ShopeeAdapter
    from app.integrations.tiktok.adapter import TikTokAdapter

    if platform == "lazada":
        return LazadaAdapter(app_key=settings.lazada_app_key, app_secret=settings.lazada_app_secret,
                             redis=redis_client(), api_base=f"{server_url}/lazada/rest",
                             auth_base=f"{server_url}/lazada-auth/rest", http=http, rate_limit=rate_limit,
                             prefix=settings.queue_name)
    if platform == "shopee":
        return ShopeeAdapter(partner_id=settings.shopee_partner_id, partner_key=settings.shopee_partner_key,
                             base_url=f"{server_url}/shopee", redis=redis_client(), http=http,
                             rate_limit=rate_limit, prefix=settings.queue_name)
    return TikTokAdapter(app_key=settings.tiktok_app_key, app_secret=settings.tiktok_app_secret,
                         service_id=settings.tiktok_service_id, redis=redis_client(),
                         api_base=f"{server_url}/tiktok", auth_base=f"{server_url}/tiktok-auth",
                         http=http, rate_limit=rate_limit, prefix=settings.queue_name)


def _connection(state, platform: str, products: int, settings, key: str):
    from app.integrations.base import ShopConnection
    from app.integrations.tokens import StaticToken

    app_id = {"shopee": settings.shopee_partner_id, "tiktok": settings.tiktok_app_key,
              "lazada": settings.lazada_app_key}[platform]
    shop = state.create_shop(platform, app_id=app_id, products=products)
    access, *_ = state.issue_tokens(platform, shop.shop_id, str(app_id))
    return ShopConnection(shop_id=shop.shop_id, tokens=StaticToken(access), cipher=shop.cipher or None,
                          store_key=key)


async def _measure(platform: str, adapter, conn, rng: random.Random) -> tuple[float, int, float, int, int]:
    """(listing seconds, listings, stock seconds, stock updates, calls-free variants count)."""
    from app.integrations.base import StockUpdate

    t0 = time.perf_counter()
    listings = [listing async for listing in adapter.fetch_listings(conn)]
    listing_seconds = time.perf_counter() - t0
    variants = sum(len(item.variants) for item in listings)
    updates = [StockUpdate(listing_id=item.listing_id, variant_id=v.variant_id, quantity=rng.randint(0, 200),
                           location_id=v.location_id) for item in listings for v in item.variants][:STOCK_UPDATES]
    t0 = time.perf_counter()
    result = await adapter.update_stock(conn, updates)
    stock_seconds = time.perf_counter() - t0
    if result.failed:
        raise RuntimeError(f"{platform} update_stock failed for {len(result.failed)}: {list(result.failed)[:3]}")
    return listing_seconds, len(listings), stock_seconds, len(updates), variants


@benchmark("adapter.")
async def adapters(env: BenchEnvironment) -> None:
    """adapter.{shopee,tiktok,lazada}.listings_per_s / .stock_updates_per_s (+ _unthrottled),
    adapter.overhead.ratio (Shopee and TikTok: the raw replay re-signs their requests only)."""
    from app.integrations.ratelimit import RateLimitPolicy
    from app.settings import get_settings

    settings = get_settings()
    rng = random.Random(7)
    adapter_total, raw_total = 0.0, 0.0
    calls = 0
    with sandbox_settings() as (server, state):
        for platform in ("shopee", "tiktok", "lazada"):
            # -- as the app builds it (its default RateLimitPolicy) -------------------------------
            async with httpx.AsyncClient(timeout=20) as http:
                adapter = _adapter(platform, server.url, settings, RateLimitPolicy(requests=APP_LIMITS[platform]), http)
                conn = _connection(state, platform, THROTTLED_PRODUCTS[platform], settings,
                                   f"bench-{env.run_id}-{platform}-limited")
                ls, ln, ss, sn, variants = await _measure(platform, adapter, conn, rng)
                await adapter.aclose()
            log.info("%s (app's limit): %d listings (%d variants) in %.1fs = %.1f/s; %d stock updates in %.1fs = %.1f/s",
                     platform, ln, variants, ls, ln / ls, sn, ss, sn / ss)
            env.report(f"adapter.{platform}.listings_per_s", round(ln / ls, 1), "listings/s", ln)
            env.report(f"adapter.{platform}.stock_updates_per_s", round(sn / ss, 1), "updates/s", sn)

            # -- limit raised; every request recorded for the raw replay --------------------------
            recorder = Recorder(f"/{platform}")
            async with httpx.AsyncClient(timeout=20, event_hooks={"request": [recorder]}) as http:
                adapter = _adapter(platform, server.url, settings, RateLimitPolicy(requests=RAISED), http)
                conn = _connection(state, platform, PRODUCTS, settings, f"bench-{env.run_id}-{platform}-raised")
                # warm-up: the connection pool, the limiter and breaker keys, pydantic
                [_ async for _ in adapter.fetch_listings(conn)]
                recorder.requests.clear()
                ls, ln, ss, sn, variants = await _measure(platform, adapter, conn, rng)
                await adapter.aclose()
            log.info("%s (limit raised): %d listings (%d variants) in %.2fs = %.1f/s; %d stock updates in %.2fs "
                     "= %.1f/s; %d requests", platform, ln, variants, ls, ln / ls, sn, ss, sn / ss,
                     len(recorder.requests))
            env.report(f"adapter.{platform}.listings_per_s_unthrottled", round(ln / ls, 1), "listings/s", ln)
            env.report(f"adapter.{platform}.stock_updates_per_s_unthrottled", round(sn / ss, 1), "updates/s", sn)

            if platform == "lazada":
                continue
            raw = await _replay(platform, f"{server.url}/{platform}", recorder.requests, settings)
            log.info("%s raw httpx: the same %d requests in %.2fs (adapter %.2fs, ratio %.2f)", platform,
                     len(recorder.requests), raw, ls + ss, (ls + ss) / raw)
            adapter_total += ls + ss
            raw_total += raw
            calls += len(recorder.requests)
    env.report("adapter.overhead.ratio", round(adapter_total / raw_total, 3), "ratio", calls)
