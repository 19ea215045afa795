"""The error taxonomy, retries, token renewal, circuit breaker and shared rate limit, against real faults."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from redis.asyncio import Redis

from app.integrations import errors
from app.integrations.base import ShopConnection
from app.integrations.breaker import BreakerPolicy, CircuitState
from app.integrations.ratelimit import RateLimitPolicy, ShopRateLimiter
from app.integrations.shopee import client as shopee_client
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok import client as tiktok_client
from app.integrations.tiktok.adapter import TikTokAdapter
from app.integrations.transport import RetryPolicy
from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import Fault, SandboxState
from tests.integrations.conftest import SHOPEE_PARTNER_ID, SHOPEE_PARTNER_KEY, Connected

SHOPEE_CASES = [
    ("error_param", 400, errors.ValidationError, False),
    ("order.order_list_invalid_time", 400, errors.ValidationError, False),
    ("error_sign", 403, errors.AuthError, False),
    ("invalid_acceess_token", 403, errors.AuthError, False),
    ("refresh_token_expired", 403, errors.AuthError, False),
    ("error_api_permission", 403, errors.PermissionError, False),
    ("error_rate_limit", 429, errors.RateLimitError, True),
    ("error_limit", 429, errors.RateLimitError, True),
    ("error_system_busy", 500, errors.PlatformError, True),
    ("error_server", 500, errors.PlatformError, True),
]

TIKTOK_CASES = [
    (40006, 200, errors.ValidationError, False),
    (106013, 400, errors.ValidationError, False),
    (106001, 401, errors.AuthError, False),
    (105002, 401, errors.AuthError, False),
    (36004004, 400, errors.AuthError, False),
    (105005, 403, errors.PermissionError, False),
    (36009002, 429, errors.RateLimitError, True),
    (36009005, 500, errors.PlatformError, True),
]


@pytest.mark.parametrize(("code", "status", "cls", "retryable"), SHOPEE_CASES)
def test_shopee_errors_map_to_the_taxonomy(code, status, cls, retryable):
    error = shopee_client.error_for(code, "m", http_status=status, request_id="r")
    assert type(error) is cls and error.retryable is retryable and error.seller_message


@pytest.mark.parametrize(("code", "status", "cls", "retryable"), TIKTOK_CASES)
def test_tiktok_errors_map_to_the_taxonomy(code, status, cls, retryable):
    error = tiktok_client.error_for(code, "m", http_status=status, request_id="r")
    assert type(error) is cls and error.retryable is retryable and error.seller_message


def test_auth_reasons_say_what_fixes_them():
    assert shopee_client.error_for("invalid_acceess_token", "", http_status=403, request_id=None).needs_refresh
    assert shopee_client.error_for("error_shop_refresh_token", "", http_status=403,
                                   request_id=None).needs_reauthorization
    sign = shopee_client.error_for("error_sign", "", http_status=403, request_id=None)
    assert sign.reason is errors.AuthReason.CREDENTIALS
    assert errors.NetworkError("x").retryable and not errors.WebhookRejected("x").retryable


async def test_wrong_partner_key_is_rejected_as_credentials(sandbox: BackgroundSandbox, redis: Redis, prefix: str,
                                                           shopee_shop: Connected):
    wrong = ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key="not-the-key", base_url=f"{sandbox.url}/shopee",
                          redis=redis, prefix=prefix, rate_limit=None)
    try:
        with pytest.raises(errors.AuthError) as refused:
            await wrong.shop_info(shopee_shop.conn)
        assert refused.value.code == "error_sign" and refused.value.reason is errors.AuthReason.CREDENTIALS
    finally:
        await wrong.aclose()


async def test_429_burst_and_5xx_are_retried_and_every_listing_arrives_once(
        shopee: ShopeeAdapter, shopee_shop: Connected, state: SandboxState, caplog):
    shop_id = shopee_shop.shop.shop_id
    state.add_products("shopee", shop_id, 150)
    state.add_fault(Fault(kind="rate_limit", platform="shopee", shop_id=shop_id, remaining=3))
    state.add_fault(Fault(kind="server_error", platform="shopee", shop_id=shop_id, remaining=2))
    with caplog.at_level(logging.WARNING, logger="app.integrations.transport"):
        listings = [x async for x in shopee.fetch_listings(shopee_shop.conn)]
    ids = [x.listing_id for x in listings]
    assert len(ids) == len(set(ids)) == len(state.shop("shopee", shop_id).products)
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert sum("RateLimitError" in m for m in retries) == 3 and sum("PlatformError" in m for m in retries) == 2


async def test_retry_after_is_honoured(tiktok: TikTokAdapter, tiktok_shop: Connected, state: SandboxState):
    state.config.rate_limit_retry_after = 0.4
    state.add_fault(Fault(kind="rate_limit", platform="tiktok", remaining=1))
    started = time.monotonic()
    await tiktok.shop_info(tiktok_shop.conn)
    assert time.monotonic() - started >= 0.4


async def test_sandbox_rate_limit_answers_429_and_the_client_recovers(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                                       state: SandboxState):
    state.config.rate_limit_per_second = 3
    state.config.rate_limit_retry_after = 0.5
    state.reset_calls()
    results = await asyncio.gather(*(tiktok.get_orders(tiktok_shop.conn, ["1"]) for _ in range(6)))
    assert results == [[]] * 6
    outcomes = [c.outcome for c in state.calls_to("tiktok", "/order/202309/orders", outcome=None)]
    assert "36009002" in outcomes and outcomes.count("ok") == 6


async def test_malformed_json_is_a_retryable_network_error(sandbox: BackgroundSandbox, redis: Redis, prefix: str,
                                                           shopee_shop: Connected, state: SandboxState):
    adapter = ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key=SHOPEE_PARTNER_KEY,
                            base_url=f"{sandbox.url}/shopee", redis=redis, prefix=prefix, rate_limit=None,
                            retry=RetryPolicy(attempts=1))
    state.add_fault(Fault(kind="malformed", platform="shopee", remaining=1))
    try:
        with pytest.raises(errors.NetworkError) as broken:
            await adapter.shop_info(shopee_shop.conn)
        assert broken.value.retryable
        # The next, well-formed answer goes through.
        assert (await adapter.shop_info(shopee_shop.conn)).shop_id == shopee_shop.shop.shop_id
    finally:
        await adapter.aclose()


async def test_a_hanging_platform_times_out_and_the_retry_succeeds(sandbox: BackgroundSandbox, redis: Redis,
                                                                   prefix: str, shopee_shop: Connected,
                                                                   state: SandboxState):
    adapter = ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key=SHOPEE_PARTNER_KEY,
                            base_url=f"{sandbox.url}/shopee", redis=redis, prefix=prefix, rate_limit=None,
                            retry=RetryPolicy(attempts=3, initial=0.01, maximum=0.02), timeout=0.3)
    state.add_fault(Fault(kind="hang", platform="shopee", remaining=1, seconds=1.0))
    try:
        info = await adapter.shop_info(shopee_shop.conn)
        assert info.shop_id == shopee_shop.shop.shop_id
    finally:
        await adapter.aclose()


async def test_token_expiring_mid_pagination_is_renewed_once(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                             state: SandboxState):
    shop_id = tiktok_shop.shop.shop_id
    state.add_products("tiktok", shop_id, 250)
    state.add_fault(Fault(kind="expire_token", platform="tiktok", shop_id=shop_id, after=1, remaining=1))
    listings = [x async for x in tiktok.fetch_listings(tiktok_shop.conn)]
    ids = [x.listing_id for x in listings]
    assert len(ids) == len(set(ids)) == len(state.shop("tiktok", shop_id).products)
    assert tiktok_shop.store.saves == 1


async def test_concurrent_renewals_refresh_once(shopee: ShopeeAdapter, shopee_shop: Connected, state: SandboxState):
    state.expire_tokens("shopee", shopee_shop.shop.shop_id)
    keeper = shopee_shop.conn.tokens
    # Ten workers notice the expired token at the same moment; one refresh serves them all, and
    # the single-use refresh token is never spent twice.
    stale = shopee_shop.store.tokens.access_token
    fresh = await asyncio.gather(*(keeper.renew(stale) for _ in range(10)))
    assert len(set(fresh)) == 1 and shopee_shop.store.saves == 1
    assert (await shopee.shop_info(shopee_shop.conn)).shop_id == shopee_shop.shop.shop_id


async def test_circuit_opens_after_consecutive_failures_and_recovers_by_itself(
        sandbox: BackgroundSandbox, redis: Redis, prefix: str, shopee_shop: Connected, state: SandboxState):
    adapter = ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key=SHOPEE_PARTNER_KEY,
                            base_url=f"{sandbox.url}/shopee", redis=redis, prefix=prefix, rate_limit=None,
                            retry=RetryPolicy(attempts=1), breaker=BreakerPolicy(threshold=3, cooldown=0.4))
    conn = shopee_shop.conn
    breaker = adapter.transport.breaker
    state.add_fault(Fault(kind="server_error", platform="shopee", remaining=None))
    try:
        for _ in range(3):
            with pytest.raises(errors.PlatformError):
                await adapter.shop_info(conn)
        assert await breaker.state(conn.limit_key) is CircuitState.OPEN
        state.reset_calls()
        with pytest.raises(errors.CircuitOpenError) as fast:
            await adapter.shop_info(conn)
        assert fast.value.retry_after and not state.calls_to("shopee", "/api/v2/shop/get_shop_info", outcome=None)

        # Half-open probe fails: open again for a full cooldown.
        await asyncio.sleep(0.45)
        assert await breaker.state(conn.limit_key) is CircuitState.HALF_OPEN
        with pytest.raises(errors.PlatformError):
            await adapter.shop_info(conn)
        assert await breaker.state(conn.limit_key) is CircuitState.OPEN

        # The platform is healthy again; after the cooldown one probe closes the circuit.
        state.clear_faults()
        await asyncio.sleep(0.45)
        assert (await adapter.shop_info(conn)).shop_id == conn.shop_id
        assert await breaker.state(conn.limit_key) is CircuitState.CLOSED
    finally:
        await adapter.aclose()


async def test_rate_limit_is_shared_between_independent_clients(redis: Redis, prefix: str):
    other = Redis.from_url(redis.connection_pool.connection_kwargs and
                           f"redis://{redis.connection_pool.connection_kwargs.get('host', '127.0.0.1')}:"
                           f"{redis.connection_pool.connection_kwargs.get('port', 6379)}/"
                           f"{redis.connection_pool.connection_kwargs.get('db', 0)}")
    try:
        policy = RateLimitPolicy(requests=5, seconds=1)
        first, second = ShopRateLimiter(redis, policy, prefix=prefix), ShopRateLimiter(other, policy, prefix=prefix)
        granted = [await (first if i % 2 else second).try_acquire("shop-1") for i in range(10)]
        assert granted.count(True) == 5
        assert await first.try_acquire("shop-2")
    finally:
        await other.aclose()


async def test_a_high_limit_costs_one_redis_round_trip_per_lease_and_still_holds(redis: Redis, prefix: str):
    other = Redis.from_url(redis.connection_pool.connection_kwargs and
                           f"redis://{redis.connection_pool.connection_kwargs.get('host', '127.0.0.1')}:"
                           f"{redis.connection_pool.connection_kwargs.get('port', 6379)}/"
                           f"{redis.connection_pool.connection_kwargs.get('db', 0)}")
    try:
        policy = RateLimitPolicy(requests=200, seconds=60)  # a window no slow machine outlasts here
        first, second = ShopRateLimiter(redis, policy, prefix=prefix), ShopRateLimiter(other, policy, prefix=prefix)
        await first.acquire("shop-1")
        # Redis counted a lease of ten slots; the next nine come from this process's lease
        window = await first._limiter.get_window_stats(first._item, "shop-1")
        assert window.remaining == 190
        for _ in range(9):
            await first.acquire("shop-1")
        assert (await first._limiter.get_window_stats(first._item, "shop-1")).remaining == 190
        # two processes together never get more than the limit out of one window
        granted = [await (first if i % 2 else second).try_acquire("shop-1") for i in range(400)]
        assert granted.count(True) == 190
    finally:
        await other.aclose()


async def test_two_adapters_share_one_shop_budget(sandbox: BackgroundSandbox, redis: Redis, prefix: str,
                                                  shopee_shop: Connected):
    def make() -> ShopeeAdapter:
        return ShopeeAdapter(partner_id=SHOPEE_PARTNER_ID, partner_key=SHOPEE_PARTNER_KEY,
                             base_url=f"{sandbox.url}/shopee", redis=redis, prefix=prefix,
                             rate_limit=RateLimitPolicy(requests=4, seconds=1))
    a, b = make(), make()
    conn = ShopConnection(shop_id=shopee_shop.conn.shop_id, tokens=shopee_shop.conn.tokens, store_key="shared-1")
    try:
        started = time.monotonic()
        await asyncio.gather(*((a if i % 2 else b).shop_info(conn) for i in range(8)))
        assert time.monotonic() - started >= 0.9
    finally:
        await a.aclose()
        await b.aclose()
