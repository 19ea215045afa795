from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.core.database import ping_database
from app.core.queue import get_queue
from app.core.redis import redis_client

log = logging.getLogger(__name__)


async def _check(name: str, probe) -> tuple[str, dict[str, Any]]:
    try:
        detail = await asyncio.wait_for(probe(), timeout=3)
        return name, {"ok": True, **(detail or {})}
    except Exception as exc:  # any failure is the answer we report
        log.warning("health check %s failed: %s", name, exc)
        return name, {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}


async def _database() -> dict:
    await ping_database()
    return {}


async def _redis() -> dict:
    await redis_client().ping()
    return {}


async def _workers() -> dict:
    info = await get_queue().info()
    workers = info.get("workers") or {}
    if not workers:
        raise RuntimeError("no job worker has reported in the last minute")
    return {"count": len(workers), "queued": info.get("queued", 0), "active": info.get("active", 0)}


async def health() -> dict[str, Any]:
    """The state of every dependency; `ok` is False when any of them is down."""
    checks = dict(await asyncio.gather(_check("database", _database), _check("redis", _redis),
                                       _check("workers", _workers)))
    return {"ok": all(c["ok"] for c in checks.values()), **checks}
