"""The marketplace adapters a store talks through, built from settings, and each store's token keeper.

This is the one place in the domain that knows which adapter class serves which platform; the
rest of StoreSync says ``open_adapter(store.platform)`` and ``connection_for(tenant, store, adapter)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains.stores import services
from app.domains.stores.tables import Store
from app.integrations.base import CancelReason, Platform, PlatformAdapter, ShopConnection, TokenSet
from app.integrations.locks import SingleFlight
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.integrations.tokens import TokenKeeper
from app.settings import get_settings


def build_adapter(platform: Platform | str) -> ShopeeAdapter | TikTokAdapter:
    """A new adapter for ``platform`` configured from settings; the caller must ``aclose()`` it."""
    settings = get_settings()
    platform = Platform(platform)
    if platform is Platform.SHOPEE:
        return ShopeeAdapter(partner_id=settings.shopee_partner_id, partner_key=settings.shopee_partner_key,
                             base_url=settings.marketplace_host("shopee_api_base"), redis=redis_client(),
                             prefix=settings.queue_name)
    return TikTokAdapter(app_key=settings.tiktok_app_key, app_secret=settings.tiktok_app_secret,
                         service_id=settings.tiktok_service_id, redis=redis_client(),
                         api_base=settings.marketplace_host("tiktok_api_base"),
                         auth_base=settings.marketplace_host("tiktok_auth_base"),
                         authorize_url=settings.marketplace_host("tiktok_authorize_url"),
                         prefix=settings.queue_name)


def cancel_reasons_of(platform: Platform | str) -> tuple[CancelReason, ...]:
    """The cancel reasons the platform takes from a seller (no adapter needs to be opened)."""
    return (ShopeeAdapter if Platform(platform) is Platform.SHOPEE else TikTokAdapter).cancel_reasons


@asynccontextmanager
async def open_adapter(platform: Platform | str) -> AsyncIterator[PlatformAdapter]:
    """``async with open_adapter(store.platform) as adapter:`` — closed (HTTP pool freed) afterwards."""
    adapter = build_adapter(platform)
    try:
        yield adapter
    finally:
        await adapter.aclose()


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
