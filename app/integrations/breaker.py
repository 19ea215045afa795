"""A circuit breaker per store whose state lives in Redis, so every process sees the same circuit.

Closed: calls flow and consecutive failures are counted. After ``threshold`` consecutive
failures the circuit opens: calls fail fast with CircuitOpenError for ``cooldown`` seconds. Then
it is half-open: exactly one process wins a probe slot and sends one call; success closes the
circuit, failure opens it for another cooldown.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum

from redis.asyncio import Redis

from app.integrations import errors

log = logging.getLogger(__name__)


class CircuitState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    threshold: int = 5
    cooldown: float = 30.0


# Atomically count one failure and open the circuit at the threshold (or at once when the failed
# call was the half-open probe). KEYS[1] hash; ARGV: threshold, now, ttl seconds, was_probe.
_RECORD_FAILURE = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened = 0
if failures >= tonumber(ARGV[1]) or ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 'opened_at', ARGV[2])
  opened = 1
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {failures, opened}
"""


@dataclass(frozen=True, slots=True)
class Permit:
    """A call let through: ``probe`` when it is the half-open probe; ``clean`` when the store had no
    failure on record, so a success has nothing to reset (saves a Redis round trip per call)."""

    probe: bool = False
    clean: bool = True


class CircuitBreaker:
    """Shared per-store breaker: call ``before_call`` first, then ``record_success``/``record_failure``."""

    # A store found with no failure on record is taken as still clean for this long without asking
    # Redis again (unless this process sees a failure): a circuit another process opens is
    # honoured here at most this much later, and a call costs no breaker round trip at all.
    CLEAN_SECONDS = 1.0

    def __init__(self, redis: Redis, policy: BreakerPolicy, *, prefix: str = "storesync") -> None:
        self._redis = redis
        self._prefix = f"{prefix}:breaker"
        self.policy = policy
        self._record_failure = redis.register_script(_RECORD_FAILURE)
        self._clean_until: dict[str, float] = {}

    def known_clean(self, store: str) -> Permit | None:
        """A permit without asking Redis when the store was clean a moment ago, else None."""
        if self._clean_until.get(store, 0.0) > time.monotonic():
            return Permit()
        return None

    def _key(self, store: str) -> str:
        return f"{self._prefix}:{store}"

    async def state(self, store: str) -> CircuitState:
        """The circuit's state as the next caller would see it."""
        # redis-py types a command as "awaitable or value" for its sync and async clients alike
        opened_at = await self._redis.hget(self._key(store), "opened_at")  # type: ignore[misc]
        if opened_at is None:
            return CircuitState.CLOSED
        if time.time() - float(opened_at) < self.policy.cooldown:
            return CircuitState.OPEN
        return CircuitState.HALF_OPEN

    async def before_call(self, store: str) -> Permit:
        """Allow the call (see Permit) or raise CircuitOpenError."""
        record = await self._redis.hgetall(self._key(store))  # type: ignore[misc]  # as in state()
        opened_at = record.get(b"opened_at")
        if opened_at is None:
            if not record:
                self._clean_until[store] = time.monotonic() + self.CLEAN_SECONDS
            return Permit(probe=False, clean=not record)
        remaining = float(opened_at) + self.policy.cooldown - time.time()
        if remaining > 0:
            raise errors.CircuitOpenError(f"circuit open for {store}", retry_after=remaining)
        # Half-open: one probe per cooldown across all processes.
        probe_key = f"{self._key(store)}:probe:{opened_at}"
        won = await self._redis.set(probe_key, "1", nx=True, px=max(1, int(self.policy.cooldown * 1000)))
        if not won:
            raise errors.CircuitOpenError(
                f"circuit half-open for {store}, probe in flight", retry_after=self.policy.cooldown
            )
        log.info("circuit half-open, probing store=%s", store)
        return Permit(probe=True, clean=False)

    async def record_success(self, store: str) -> None:
        """Close the circuit and forget past failures."""
        if await self._redis.delete(self._key(store)):
            log.info("circuit closed store=%s", store)

    async def record_failure(self, store: str, *, probe: bool = False) -> None:
        """Count a consecutive failure; opens the circuit at the threshold or when a probe failed."""
        self._clean_until.pop(store, None)
        ttl = int(self.policy.cooldown * 10) + 3600
        failures, opened = await self._record_failure(
            keys=[self._key(store)],
            args=[self.policy.threshold, repr(time.time()), ttl, "1" if probe else "0"],
        )
        if int(opened):
            log.warning("circuit open store=%s failures=%s cooldown=%ss", store, failures, self.policy.cooldown)

    async def reset(self, store: str) -> None:
        """Close the circuit by hand (an operator's "try again now")."""
        self._clean_until.pop(store, None)
        await self._redis.delete(self._key(store))
