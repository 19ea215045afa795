"""Fixtures for the marketplace layer: the sandbox over real HTTP on loopback and a real Redis.

REDIS_URL (default redis://127.0.0.1:6379/15) names the Redis; every test gets its own key
prefix so that rate-limit windows and circuits never leak between tests or runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from redis.asyncio import Redis

from app.integrations.base import AuthorizationResult, ShopConnection, TokenSet
from app.integrations.breaker import BreakerPolicy
from app.integrations.lazada.adapter import LazadaAdapter
from app.integrations.locks import SingleFlight
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.integrations.tokens import TokenKeeper
from app.integrations.transport import RetryPolicy
from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import SandboxConfig, SandboxState, Shop

SHOPEE_PARTNER_ID = 2001887
SHOPEE_PARTNER_KEY = "sandbox-shopee-partner-key"
TIKTOK_APP_KEY = "fake_app_key"
TIKTOK_APP_SECRET = "fake_app_secret"
TIKTOK_SERVICE_ID = "7000000000000000042"
LAZADA_APP_KEY = "100132"
LAZADA_APP_SECRET = "sandbox-lazada-app-secret"

FAST_RETRY = RetryPolicy(attempts=8, initial=0.01, maximum=0.05, jitter=0.01)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[BackgroundSandbox]:
    state = SandboxState(seed=20261101)
    state.register_shopee_partner(SHOPEE_PARTNER_ID, SHOPEE_PARTNER_KEY)
    state.register_tiktok_app(TIKTOK_APP_KEY, TIKTOK_APP_SECRET, service_id=TIKTOK_SERVICE_ID,
                              redirect_url="http://127.0.0.1:9/tiktok/callback")
    state.register_lazada_app(LAZADA_APP_KEY, LAZADA_APP_SECRET, redirect_url="http://127.0.0.1:9/lazada/callback")
    with BackgroundSandbox(state) as server:
        yield server


@pytest.fixture
def state(sandbox: BackgroundSandbox) -> Iterator[SandboxState]:
    yield sandbox.state
    # Faults, limits and lifetimes are per test.
    sandbox.state.clear_faults()
    sandbox.state.config = SandboxConfig()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    yield client
    await client.aclose()


@pytest.fixture
async def prefix(redis: Redis) -> AsyncIterator[str]:
    value = f"storesync-test:{uuid.uuid4().hex[:12]}"
    yield value
    async for key in redis.scan_iter(match=f"{value}:*", count=500):
        await redis.delete(key)


@pytest.fixture
async def shopee(sandbox: BackgroundSandbox, redis: Redis, prefix: str) -> AsyncIterator[ShopeeAdapter]:
    adapter = ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key=SHOPEE_PARTNER_KEY,
                            base_url=f"{sandbox.url}/shopee", redis=redis, prefix=prefix, retry=FAST_RETRY,
                            breaker=BreakerPolicy(threshold=50, cooldown=0.5), rate_limit=None, timeout=5)
    yield adapter
    await adapter.aclose()


@pytest.fixture
async def tiktok(sandbox: BackgroundSandbox, redis: Redis, prefix: str) -> AsyncIterator[TikTokAdapter]:
    adapter = TikTokAdapter(app_key=TIKTOK_APP_KEY, app_secret=TIKTOK_APP_SECRET, service_id=TIKTOK_SERVICE_ID,
                            api_base=f"{sandbox.url}/tiktok", auth_base=f"{sandbox.url}/tiktok-auth",
                            authorize_url=f"{sandbox.url}/tiktok-services/open/authorize",
                            redis=redis, prefix=prefix, retry=FAST_RETRY,
                            breaker=BreakerPolicy(threshold=50, cooldown=0.5), rate_limit=None, timeout=5)
    yield adapter
    await adapter.aclose()


class MemoryTokenStore:
    """Stands in for the stores domain's encrypted token columns."""

    def __init__(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.saves = 0

    async def load(self) -> TokenSet:
        return self.tokens

    async def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.saves += 1


@dataclass
class Connected:
    shop: Shop
    conn: ShopConnection
    store: MemoryTokenStore


async def connect(adapter, state: SandboxState, shop: Shop, redis: Redis, prefix: str) -> Connected:
    """Authorize the shop the way a seller would (code -> tokens) and build its connection."""
    code = state.issue_code(shop.platform, shop.shop_id)
    tokens = await adapter.exchange_code(AuthorizationResult(code=code, shop_id=shop.shop_id))
    store = MemoryTokenStore(tokens)
    keeper = TokenKeeper(key=f"{shop.platform}:{shop.shop_id}", load=store.load, save=store.save,
                         refresh=adapter.refresh_tokens, lock=SingleFlight(redis, prefix=prefix), refresh_ahead=0)
    conn = ShopConnection(shop_id=shop.shop_id, tokens=keeper, cipher=shop.cipher,
                          store_key=f"{shop.platform}-{shop.shop_id}")
    return Connected(shop, conn, store)


@pytest.fixture
async def shopee_shop(shopee: ShopeeAdapter, state: SandboxState, redis: Redis, prefix: str) -> Connected:
    shop = state.create_shop("shopee", app_id=SHOPEE_PARTNER_ID, products=12)
    return await connect(shopee, state, shop, redis, prefix)


@pytest.fixture
async def tiktok_shop(tiktok: TikTokAdapter, state: SandboxState, redis: Redis, prefix: str) -> Connected:
    shop = state.create_shop("tiktok", app_id=TIKTOK_APP_KEY, products=12)
    return await connect(tiktok, state, shop, redis, prefix)


@pytest.fixture
async def lazada(sandbox: BackgroundSandbox, redis: Redis, prefix: str) -> AsyncIterator[LazadaAdapter]:
    adapter = LazadaAdapter(app_key=LAZADA_APP_KEY, app_secret=LAZADA_APP_SECRET,
                            api_base=f"{sandbox.url}/lazada/rest", auth_base=f"{sandbox.url}/lazada-auth/rest",
                            authorize_url=f"{sandbox.url}/lazada-auth/oauth/authorize",
                            redis=redis, prefix=prefix, retry=FAST_RETRY,
                            breaker=BreakerPolicy(threshold=50, cooldown=0.5), rate_limit=None, timeout=5)
    yield adapter
    await adapter.aclose()


@pytest.fixture
async def lazada_shop(lazada: LazadaAdapter, state: SandboxState, redis: Redis, prefix: str) -> Connected:
    shop = state.create_shop("lazada", app_id=LAZADA_APP_KEY, products=12)
    return await connect(lazada, state, shop, redis, prefix)
