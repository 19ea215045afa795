"""The request context's rows (a user, their memberships, roles and organisations) kept in Redis,
so that most requests read them with one Redis round trip instead of a database query.

Every web process shares the cache, so a change is seen by all of them at once: each user has a
generation counter, and a cached entry is used only while it carries the current generation.
Changing a role, removing or adding a member, or editing an organisation bumps the generation
of everyone concerned after the change is committed; the next request of any process reloads.
An entry written by a request that read the database just before such a change carries the old
generation, so it is never used. Entries expire after ENTRY_SECONDS, which also bounds how long a
change made behind the services' back (the /admin tables) can go unseen.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from app.core.redis import redis_client
from app.settings import get_settings

ENTRY_SECONDS = 60
# A generation outlives every entry written under it, so an expired counter (read as 0) can only
# make an entry look stale, never a stale one look current.
GENERATION_SECONDS = ENTRY_SECONDS * 10

ContextRows = dict[str, Any]  # {"user": {...} | None, "memberships": [{...}, ...]}


def _keys(user_id: int) -> tuple[str, str]:
    prefix = f"{get_settings().queue_name}:ctx"
    return f"{prefix}:{user_id}", f"{prefix}:{user_id}:generation"


async def cached(user_id: int, load: Callable[[], Awaitable[ContextRows]]) -> ContextRows:
    """The user's context rows from the cache, else from ``load()`` (then cached)."""
    redis = redis_client()
    entry_key, generation_key = _keys(user_id)
    entry, generation = await redis.mget(entry_key, generation_key)
    current = int(generation or 0)
    if entry is not None:
        held = json.loads(entry)
        if held["generation"] == current:
            return held["rows"]
    rows = await load()
    await redis.set(entry_key, json.dumps({"generation": current, "rows": rows}, default=str), ex=ENTRY_SECONDS)
    return rows


async def forget_users(user_ids: Iterable[int]) -> None:
    """The next request of these users, in any process, reads their context from the database.
    Call after the change is committed."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    async with redis_client().pipeline(transaction=False) as pipe:
        for user_id in ids:
            _entry_key, generation_key = _keys(user_id)
            pipe.incr(generation_key)
            pipe.expire(generation_key, GENERATION_SECONDS)
        await pipe.execute()
