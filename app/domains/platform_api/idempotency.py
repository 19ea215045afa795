"""`Idempotency-Key` on the API's writes, honoured for 24 hours (kept in Redis, per API key).

The first call with a key runs and its answer is kept; a retry with the same key and the same
body gets that answer again (header `Idempotent-Replayed: true`) and changes nothing; the same key
with a different body is refused (422); a retry while the first call still runs is refused (409).
A call that fails (4xx/5xx) keeps nothing, so it may be retried with the same key once fixed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.core.errors import Conflict, ValidationFailed
from app.core.redis import redis_client
from app.settings import get_settings

KEEP_SECONDS = 24 * 3600
RUNNING_SECONDS = 60  # a call that died mid-way frees its key after this
MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any
    replayed: bool


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def once(api_key_id: int, idempotency_key: str | None, fingerprint_: str,
               run: Callable[[], Awaitable[tuple[int, Any]]]) -> Answer:
    """Run `run()` (which returns status and JSON body) once per (key, Idempotency-Key)."""
    if not idempotency_key:
        status, body = await run()
        return Answer(status, body, False)
    if len(idempotency_key) > MAX_KEY_LENGTH:
        raise ValidationFailed({"Idempotency-Key": f"At most {MAX_KEY_LENGTH} characters."})
    redis = redis_client()
    slot = f"{get_settings().queue_name}:api:idem:{api_key_id}:{hashlib.sha256(idempotency_key.encode()).hexdigest()}"
    claimed = await redis.set(slot, json.dumps({"fp": fingerprint_, "running": True}), nx=True, ex=RUNNING_SECONDS)
    if not claimed:
        kept = await redis.get(slot)
        if kept is None:  # expired between the two calls: a rare race; ask the caller to retry
            raise Conflict("This Idempotency-Key is being used by another call; retry shortly.")
        stored = json.loads(kept)
        if stored["fp"] != fingerprint_:
            raise ValidationFailed({"Idempotency-Key": "This Idempotency-Key was used with a different request."})
        if stored.get("running"):
            raise Conflict("A call with this Idempotency-Key is still running; retry shortly.")
        return Answer(stored["status"], stored["body"], True)
    try:
        status, body = await run()
    except BaseException:
        await redis.delete(slot)
        raise
    await redis.set(slot, json.dumps({"fp": fingerprint_, "status": status, "body": body}, default=str),
                    ex=KEEP_SECONDS)
    return Answer(status, body, False)
