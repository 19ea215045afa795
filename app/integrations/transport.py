"""The HTTP path every marketplace call takes: breaker, rate limit, send, decode, retry, token renewal.

Both platform clients build their own signed ``httpx.Request`` (signing needs a fresh timestamp
and the current token on every attempt, so requests are rebuilt, never resent) and their own
decoder that turns a response into data or an ``IntegrationError``. The transport adds what is
common: per-store circuit breaker and rate limit shared through Redis, retries with exponential
backoff and jitter (tenacity) that honour Retry-After for retryable errors only, and a single
token renewal when the platform says the access token expired.
"""

from __future__ import annotations

import asyncio
import email.utils
import http.cookiejar
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import httpx
from redis.asyncio import Redis
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from app.integrations import errors
from app.integrations.base import TokenSource
from app.integrations.breaker import BreakerPolicy, CircuitBreaker, Permit
from app.integrations.ratelimit import RateLimitPolicy, ShopRateLimiter

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most ``attempts`` tries; waits grow from ``initial`` to ``maximum`` seconds with jitter.

    A Retry-After longer than ``max_retry_after`` is not waited for: the error goes to the caller
    (a job can be rescheduled instead of holding a worker).
    """

    attempts: int = 5
    initial: float = 0.2
    maximum: float = 10.0
    jitter: float = 0.3
    max_retry_after: float = 60.0


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """One client serves every store of a process: a cookie one shop's answer sets must never ride
    along with another shop's request, so none is kept (the platforms' APIs use none)."""

    def set_ok(self, cookie, request) -> bool:
        return False

    def return_ok(self, cookie, request) -> bool:
        return False


def new_http_client(timeout: float = 20.0) -> httpx.AsyncClient:
    """An httpx client fit for sharing between stores: no cookie jar that remembers."""
    return httpx.AsyncClient(timeout=timeout, cookies=http.cookiejar.CookieJar(policy=_NoCookies()))


# Only failures that say "the platform is unwell" trip the breaker; a refused parameter or an
# expired token is the platform working correctly.
_BREAKER_FAILURES = (errors.PlatformError, errors.NetworkError)


class Transport:
    """Sends one logical call with the shared resilience machinery. One instance per platform app."""

    def __init__(
        self,
        *,
        platform: str,
        redis: Redis,
        http: httpx.AsyncClient | None = None,
        timeout: float = 20.0,
        rate_limit: RateLimitPolicy | None = None,
        breaker: BreakerPolicy | None = BreakerPolicy(),
        retry: RetryPolicy = RetryPolicy(),
        prefix: str = "storesync",
    ) -> None:
        self.platform = platform
        self._http = http or new_http_client(timeout)
        self._owns_http = http is None
        self.limiter = ShopRateLimiter(redis, rate_limit, prefix=f"{prefix}:{platform}") if rate_limit else None
        self.breaker = CircuitBreaker(redis, breaker, prefix=f"{prefix}:{platform}") if breaker else None
        self.retry = retry

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def send(
        self,
        *,
        op: str,
        build: Callable[[str | None], httpx.Request],
        decode: Callable[[httpx.Response], T],
        key: str | None = None,
        tokens: TokenSource | None = None,
        unsafe: bool = False,
    ) -> T:
        """Send ``build(access_token)`` until ``decode`` accepts the answer or a non-retryable error occurs.

        ``unsafe`` marks a call that must not run twice (creating an item): only a rate-limit refusal,
        which the platform answers before doing anything, is retried; a server error or a timeout is
        an unknown outcome and goes to the caller, who looks the result up before trying again.

        ``key`` names the store for the breaker and the rate limiter (None: neither applies, e.g. for
        token endpoints). Raises only IntegrationError subclasses.
        """
        token = await tokens.access_token() if tokens else None
        renewed = False

        async def one_try() -> T:
            nonlocal token, renewed
            try:
                return await self._attempt(op, key, build, decode, token)
            except errors.AuthError as exc:
                if not (exc.needs_refresh and tokens is not None and not renewed and token is not None):
                    raise
                renewed = True
                log.info("access token rejected, renewing op=%s key=%s", op, key)
                token = await tokens.renew(token)
                return await self._attempt(op, key, build, decode, token)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self._wait,
            retry=retry_if_exception(
                lambda exc: self._should_retry(exc) and (not unsafe or isinstance(exc, errors.RateLimitError))),
            before_sleep=lambda state: self._log_retry(op, key, state),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await one_try()
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    def _should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, errors.IntegrationError) or not exc.retryable:
            return False
        if isinstance(exc, errors.CircuitOpenError):
            return False
        retry_after = getattr(exc, "retry_after", None)
        return retry_after is None or retry_after <= self.retry.max_retry_after

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.retry.initial, max=self.retry.maximum, jitter=self.retry.jitter
        )(state)
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            # The platform said when: wait at least that long, with a little jitter so that
            # workers told the same moment do not all return at once.
            return max(retry_after, 0.0) + min(backoff, self.retry.jitter)
        return backoff

    def _log_retry(self, op: str, key: str | None, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "retrying op=%s key=%s attempt=%d in %.2fs after %s: %s",
            op,
            key,
            state.attempt_number,
            state.next_action.sleep if state.next_action else 0.0,
            type(exc).__name__,
            exc,
        )

    async def _admit(self, key: str | None) -> Permit:
        """The breaker's permit and a rate-limit slot for ``key``, asked of Redis side by side (one
        round trip of latency instead of two). An open circuit wins: the slot wait is abandoned."""
        breaker, limiter = self.breaker, self.limiter
        if not key or breaker is None:
            if key and limiter is not None:
                await limiter.acquire(key)
            return Permit()
        known = breaker.known_clean(key)
        if limiter is None:
            return known or await breaker.before_call(key)
        if known is not None:
            await limiter.acquire(key)
            return known
        check = asyncio.ensure_future(breaker.before_call(key))
        slot = asyncio.ensure_future(limiter.acquire(key))
        try:
            await asyncio.wait((check, slot), return_when=asyncio.FIRST_EXCEPTION)
            for task in (check, slot):  # both done, or one failed: its error (the circuit's first)
                error = task.exception() if task.done() else None
                if error is not None:
                    raise error
        finally:
            for task in (check, slot):
                if not task.done():
                    task.cancel()
        return check.result()

    async def _attempt(
        self,
        op: str,
        key: str | None,
        build: Callable[[str | None], httpx.Request],
        decode: Callable[[httpx.Response], T],
        token: str | None,
    ) -> T:
        permit = await self._admit(key)
        request = build(token)
        started = time.perf_counter()
        try:
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException as exc:
                raise errors.NetworkError(f"{op}: timed out ({type(exc).__name__})", platform=self.platform) from exc
            except httpx.HTTPError as exc:
                raise errors.NetworkError(f"{op}: {type(exc).__name__}: {exc}", platform=self.platform) from exc
            result = decode(response)
        except errors.IntegrationError as exc:
            if key and self.breaker:
                if isinstance(exc, _BREAKER_FAILURES):
                    await self.breaker.record_failure(key, probe=permit.probe)
                elif not permit.clean:
                    await self.breaker.record_success(key)
            log.info(
                "call failed op=%s key=%s ms=%.0f error=%s retryable=%s",
                op, key, (time.perf_counter() - started) * 1000, type(exc).__name__, exc.retryable,
            )
            raise
        if key and self.breaker and not permit.clean:
            await self.breaker.record_success(key)
        log.debug("call ok op=%s key=%s status=%s ms=%.0f", op, key, response.status_code,
                  (time.perf_counter() - started) * 1000)
        return result
