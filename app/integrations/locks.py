"""A Redis lock that lets exactly one process at a time do something per key (a token refresh).

Thin wrapper over redis-py's own Lock (token-checked release, auto-expiry) so that a crashed
holder never blocks the store forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis
from redis.exceptions import LockError

from app.integrations import errors


class SingleFlight:
    """``async with single_flight.hold("shopee:123"):`` — one holder per key across all processes."""

    def __init__(self, redis: Redis, *, prefix: str = "storesync", ttl: float = 60.0, wait: float = 60.0) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:singleflight"
        self.ttl = ttl
        self.wait = wait

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock for ``key``; raises NetworkError if another holder keeps it past ``wait``."""
        lock = self._redis.lock(f"{self._prefix}:{key}", timeout=self.ttl, blocking_timeout=self.wait, sleep=0.05)
        if not await lock.acquire():
            raise errors.NetworkError(f"could not take the single-flight lock for {key} within {self.wait}s")
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                # The lock expired while we held it (a very slow refresh); someone else may hold it
                # now and must keep it.
                pass
