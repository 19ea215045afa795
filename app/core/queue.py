"""The SAQ queue, and the one helper tasks use to report progress.

Progress lives in the SAQ job in Redis, so any web process can stream it; the outcome is also
written to the job's BackgroundJob row because Redis forgets finished jobs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from redis.asyncio import Redis
from saq import Queue
from saq.queue.redis import RedisQueue

from app.core.redis import ensure_redis
from app.settings import get_settings


@lru_cache(maxsize=4)
def _queue(url: str, name: str) -> Queue:
    # Built from a client rather than Queue.from_url, which refuses unix:// socket URLs.
    return RedisQueue(Redis.from_url(url), name=name)


def get_queue() -> Queue:
    return _queue(ensure_redis(), get_settings().queue_name)


async def report_progress(ctx: dict[str, Any], done: int, total: int, *, current: str = "", errors: int = 0) -> None:
    """Tell watchers how far a task is: done of total, the item at hand, errors so far."""
    job = ctx["job"]
    fraction = (done / total) if total else 1.0
    await job.update(progress=min(max(fraction, 0.0), 1.0), meta={**(job.meta or {}),
                                                                 "done": done, "total": total,
                                                                 "current": current, "errors": errors})
