"""A per-shop request rate limit that every web and worker process shares through Redis.

Built on the ``limits`` library's moving window over the caller's own ``redis.asyncio`` client
(its connection pool is reused, so no second set of connections and no global state).

Under a high limit a process takes its slots from Redis a lease at a time (a twentieth of the
limit, used within a tenth of the window or dropped), so a burst of calls costs one Redis round trip per
lease, not one per call. Redis counts a leased slot when it is leased, so a shop can see up to one
lease more than its limit in a window; a limit under 40 per window leases one slot at a time, exactly.
A lease is at most LEASE_MAX slots.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from app.integrations import errors

log = logging.getLogger(__name__)

LEASE_SHARE = 20  # a lease is 1/LEASE_SHARE of the limit
# ... and at most this many slots: the moving window stores one Redis list entry per slot, so a lease of
# thousands (a very high limit) would cost more Redis time than the calls it saves.
LEASE_MAX = 25


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """``requests`` per ``seconds`` per shop; wait at most ``max_wait`` seconds for a slot."""

    requests: int
    seconds: int = 1
    max_wait: float = 30.0


class ShopRateLimiter:
    """Blocks until the shop has a free request slot in the shared window."""

    def __init__(self, redis: Redis, policy: RateLimitPolicy, *, prefix: str = "storesync") -> None:
        storage = RedisStorage(
            "async+redis://",
            implementation="redispy",
            # limits types its storage options as scalars; its redispy storage takes the pool itself
            connection_pool=redis.connection_pool,  # type: ignore[arg-type]
            key_prefix=f"{prefix}:ratelimit",
        )
        self._limiter = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(policy.requests, policy.seconds)
        self.policy = policy
        self._lease_size = min(policy.requests // LEASE_SHARE, LEASE_MAX)
        self._leases: dict[str, tuple[int, float]] = {}  # key -> (slots left, usable until: monotonic)

    def _from_lease(self, key: str) -> bool:
        left, until = self._leases.get(key, (0, 0.0))
        if left > 0 and time.monotonic() < until:
            self._leases[key] = (left - 1, until)
            return True
        return False

    async def _hit(self, key: str) -> bool:
        """One slot: from this process's lease, else a new lease, else a single slot from Redis."""
        if self._lease_size < 2:
            return await self._limiter.hit(self._item, key)
        if self._from_lease(key):
            return True
        if await self._limiter.hit(self._item, key, cost=self._lease_size):
            self._leases[key] = (self._lease_size - 1, time.monotonic() + self.policy.seconds / 10)
            return True
        return await self._limiter.hit(self._item, key)  # near the limit: one at a time

    async def acquire(self, key: str) -> None:
        """Take one slot for ``key`` or raise RateLimitError after ``max_wait`` seconds."""
        deadline = time.monotonic() + self.policy.max_wait
        while not await self._hit(key):
            stats = await self._limiter.get_window_stats(self._item, key)
            # Small jitter so processes woken by the same reset do not stampede the same slot.
            pause = max(0.005, stats.reset_time - time.time()) + random.uniform(0, 0.01)
            if time.monotonic() + pause > deadline:
                raise errors.RateLimitError(
                    f"local rate limit for {key} still full after {self.policy.max_wait}s",
                    retry_after=pause,
                )
            await asyncio.sleep(pause)

    async def try_acquire(self, key: str) -> bool:
        """Take one slot for ``key`` if one is free right now."""
        return await self._hit(key)
