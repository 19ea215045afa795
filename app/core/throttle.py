"""Throttles shared by every web process, kept in Redis through the `limits` library."""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.core.redis import ensure_redis
from app.settings import get_settings


@lru_cache(maxsize=2)
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    if redis_url.startswith("unix://"):
        uri = "async+redis+unix://" + redis_url.removeprefix("unix://")
    else:
        uri = "async+" + redis_url
    return MovingWindowRateLimiter(storage_from_string(uri, implementation="redispy", key_prefix="storesync-limits"))


def _login_item():
    settings = get_settings()
    return RateLimitItemPerSecond(settings.login_max_attempts, settings.login_window_seconds)


async def login_allowed(email: str, ip: str) -> bool:
    """False once this e-mail from this IP has failed too often within the window."""
    limiter = _limiter(ensure_redis())
    return await limiter.test(_login_item(), "login", email.lower(), ip)


async def record_login_failure(email: str, ip: str) -> None:
    await _limiter(ensure_redis()).hit(_login_item(), "login", email.lower(), ip)


async def clear_login_failures(email: str, ip: str) -> None:
    await _limiter(ensure_redis()).clear(_login_item(), "login", email.lower(), ip)


