"""One adapter (one httpx client) per platform serves every store of a process, and no store's
credentials ride along with another store's calls."""

from __future__ import annotations

import asyncio

import httpx

from app.domains.stores import services as store_services
from app.domains.stores.adapters import close_adapters, connection_for, open_adapter
from app.domains.stores.tables import Store
from app.integrations.transport import new_http_client
from tests.inventory.factories import tenant_of
from tests.marketplace import connect, new_shop


async def _connected(client, sandbox, platform: str):
    shop = new_shop(sandbox, platform)
    response = await connect(client, shop)
    assert response.status_code in (200, 303), response.text[:300]
    store = await Store.objects().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store


async def _listing_ids(tenant, store: Store) -> set[str]:
    async with open_adapter(store.platform) as adapter:
        return {listing.listing_id async for listing in adapter.fetch_listings(connection_for(tenant, store, adapter))}


async def test_interleaved_calls_of_two_stores_share_one_client_and_keep_their_own_tokens(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    for platform in ("shopee", "tiktok"):
        (shop_a, store_a), (shop_b, store_b) = [await _connected(owner_client, sandbox, platform) for _ in range(2)]
        async with open_adapter(platform) as first, open_adapter(platform) as second:
            assert first is second  # built once, reused by every job of the process
        # Store A's token has expired: its next call renews it while B's calls go on beside it.
        sandbox.expire_tokens(platform, shop_a.shop_id)
        expired_a = (await store_services.load_tokens(tenant, store_a.id)).access_token
        tokens_b = await store_services.load_tokens(tenant, store_b.id)
        rounds = await asyncio.gather(*[_listing_ids(tenant, store) for _ in range(3) for store in (store_a, store_b)])
        # The sandbox refuses a token that belongs to another shop, so each answer proves its token.
        assert rounds[0::2] == [set(shop_a.products)] * 3
        assert rounds[1::2] == [set(shop_b.products)] * 3
        tokens_a = await store_services.load_tokens(tenant, store_a.id)
        assert tokens_a.access_token not in (expired_a, tokens_b.access_token)  # renewed, for A only
        assert sandbox.access_grant(tokens_a.access_token).shop_id == shop_a.shop_id
        assert (await store_services.load_tokens(tenant, store_b.id)).access_token == tokens_b.access_token


async def test_a_shared_client_keeps_no_cookie_for_the_next_store():
    client = new_http_client()
    answer = httpx.Response(200, headers={"set-cookie": "session=shop-a; Path=/"},
                            request=httpx.Request("GET", "http://marketplace.test/api"))
    client.cookies.extract_cookies(answer)
    assert list(client.cookies.jar) == []
    await client.aclose()


async def test_closed_adapters_are_built_again_on_next_use(sandbox):
    async with open_adapter("tiktok") as before:
        pass
    await close_adapters()
    assert before.transport.http.is_closed
    async with open_adapter("tiktok") as after:
        assert after is not before and not after.transport.http.is_closed
