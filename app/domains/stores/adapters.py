"""The marketplace adapters a store talks through, built from settings, and each store's token keeper.

This is the one place in the domain that knows which adapter class serves which platform; the
rest of StoreSync says ``open_adapter(store.platform)`` and ``connection_for(tenant, store, adapter)``.

One adapter per platform (and so one httpx client, its connection pool and TLS sessions) serves
every store of the process: building them cost ~30 ms per job. They hold no store's state: a
store's shop id, tokens and cipher travel with each call in its ShopConnection, requests are
signed per call, and the client keeps no cookies (``Transport``). ``close_adapters()`` on shutdown.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains.stores import services
from app.domains.stores.tables import Store
from app.integrations.base import CancelReason, Platform, PlatformAdapter, ShopConnection, TokenSet
from app.integrations.lazada.adapter import LazadaAdapter
from app.integrations.locks import SingleFlight
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.integrations.tokens import TokenKeeper
from app.settings import get_settings

MarketplaceAdapter = ShopeeAdapter | TikTokAdapter | LazadaAdapter
ADAPTER_CLASSES: dict[Platform, type[MarketplaceAdapter]] = {
    Platform.SHOPEE: ShopeeAdapter, Platform.TIKTOK: TikTokAdapter, Platform.LAZADA: LazadaAdapter}


def build_adapter(platform: Platform | str) -> MarketplaceAdapter:
    """A new adapter for ``platform`` configured from settings; the caller must ``aclose()`` it."""
    settings = get_settings()
    platform = Platform(platform)
    if platform is Platform.SHOPEE:
        return ShopeeAdapter(partner_id=settings.shopee_partner_id, partner_key=settings.shopee_partner_key,
                             base_url=settings.marketplace_host("shopee_api_base"), redis=redis_client(),
                             prefix=settings.queue_name)
    if platform is Platform.LAZADA:
        return LazadaAdapter(app_key=settings.lazada_app_key, app_secret=settings.lazada_app_secret,
                             redis=redis_client(), api_base=settings.marketplace_host("lazada_api_base"),
                             auth_base=settings.marketplace_host("lazada_auth_base"),
                             authorize_url=settings.marketplace_host("lazada_authorize_url"),
                             prefix=settings.queue_name)
    return TikTokAdapter(app_key=settings.tiktok_app_key, app_secret=settings.tiktok_app_secret,
                         service_id=settings.tiktok_service_id, redis=redis_client(),
                         api_base=settings.marketplace_host("tiktok_api_base"),
                         auth_base=settings.marketplace_host("tiktok_auth_base"),
                         authorize_url=settings.marketplace_host("tiktok_authorize_url"),
                         prefix=settings.queue_name)


def cancel_reasons_of(platform: Platform | str) -> tuple[CancelReason, ...]:
    """The cancel reasons the platform takes from a seller (no adapter needs to be opened)."""
    return ADAPTER_CLASSES[Platform(platform)].cancel_reasons


def _built_from(platform: Platform) -> tuple:
    """What a shared adapter was built from: when it changes (a test points the settings at another
    sandbox, or replaces the builder) the adapter is built again."""
    settings = get_settings()
    return (build_adapter, settings.queue_name, settings.redis_url, settings.shopee_partner_id,
            settings.shopee_partner_key, settings.marketplace_host("shopee_api_base"), settings.tiktok_app_key,
            settings.tiktok_app_secret, settings.tiktok_service_id, settings.marketplace_host("tiktok_api_base"),
            settings.marketplace_host("tiktok_auth_base"), settings.marketplace_host("tiktok_authorize_url"),
            settings.lazada_app_key, settings.lazada_app_secret, settings.marketplace_host("lazada_api_base"),
            settings.marketplace_host("lazada_auth_base"), settings.marketplace_host("lazada_authorize_url"))


# platform -> (event loop, what it was built from, adapter); an httpx pool belongs to one loop.
_shared: dict[Platform, tuple[asyncio.AbstractEventLoop, tuple, MarketplaceAdapter]] = {}


async def shared_adapter(platform: Platform | str) -> MarketplaceAdapter:
    """This process's adapter for ``platform`` (built on first use); never close it, see ``close_adapters``."""
    platform = Platform(platform)
    loop, built_from = asyncio.get_running_loop(), _built_from(platform)
    held = _shared.get(platform)
    if held is not None and held[0] is loop and held[1] == built_from:
        return held[2]
    adapter = build_adapter(platform)
    _shared[platform] = (loop, built_from, adapter)
    if held is not None and held[0] is loop:
        await held[2].aclose()
    return adapter


async def close_adapters() -> None:
    """Close the shared adapters' HTTP clients (web and worker shutdown)."""
    loop = asyncio.get_running_loop()
    while _shared:
        _, (owner, _, adapter) = _shared.popitem()
        if owner is loop:  # a client of a finished loop has nothing left to close
            await adapter.aclose()


@asynccontextmanager
async def open_adapter(platform: Platform | str) -> AsyncIterator[PlatformAdapter]:
    """``async with open_adapter(store.platform) as adapter:`` — the process's shared adapter."""
    yield await shared_adapter(platform)


def token_keeper(tenant: Tenant, store: Store, adapter: PlatformAdapter, *, refresh_ahead: float = 600.0) -> TokenKeeper:
    """The store's tokens, read and written encrypted through the stores service, refreshed one at a time."""
    settings = get_settings()

    async def load() -> TokenSet:
        return await services.load_tokens(tenant, store.id)

    async def save(tokens: TokenSet) -> None:
        await services.save_tokens(tenant, store.id, tokens)

    return TokenKeeper(key=f"store:{store.id}", load=load, save=save, refresh=adapter.refresh_tokens,
                       lock=SingleFlight(redis_client(), prefix=settings.queue_name), refresh_ahead=refresh_ahead)


def connection_for(tenant: Tenant, store: Store, adapter: PlatformAdapter) -> ShopConnection:
    """What every shop-scoped adapter call needs for this store (its rate limit and breaker key is the store id)."""
    return ShopConnection(shop_id=store.platform_shop_id, tokens=token_keeper(tenant, store, adapter),
                          cipher=store.shop_cipher or None, store_key=f"store-{store.id}")
