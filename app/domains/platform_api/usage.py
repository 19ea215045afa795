"""What every API call costs and leaves behind, kept cheap: one Redis round trip before the call
(the rate-limit windows of the key and of its organisation, the key's version, and whether the
key's last use is due for an update), shared by the calls that ask at the same moment. Audit entries go to the database in batches: the call that
finds this process's batch full (or a second old) writes it in one INSERT after its response has
gone out.

Plans and billing (another domain) count calls through `on_api_call` (or `ApiCalled`, emitted after
each call's response) and refuse calls past a plan's limit through `set_call_allowance`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from app.core.clock import utcnow
from app.core.events import Event, emit
from app.core.redis import per_event_loop, redis_client
from app.domains.audit import record_many
from app.settings import get_settings

log = logging.getLogger("storesync.api")

WINDOW_SECONDS = 60
LAST_USED_EVERY = 60  # seconds between updates of a key's last use
AUDIT_BATCH = 100
AUDIT_FLUSH_EVERY = 2  # seconds: a quiet API still reaches the audit trail soon
AUDIT_MAX_FLUSH = 1000


@dataclass(frozen=True)
class ApiCalled(Event):
    """One REST API call answered (any status), after its response was sent."""

    contained: ClassVar[bool] = True
    organization_id: int
    api_key_id: int
    method: str
    route: str  # the route's path template, e.g. /api/v1/orders/{order_id:int}
    status: int


CallAllowance = Callable[[int], Awaitable[object]]
CallCounter = Callable[[int, int], Awaitable[object]]
_allowance: CallAllowance | None = None
_counters: list[CallCounter] = []


def set_call_allowance(check: CallAllowance | None) -> None:
    """Name `check(organization_id)`, awaited before each authenticated call: an AppError it raises
    (for example billing's LimitReached: the plan's API calls this month are used up) refuses the
    call with 429 and the error's sentence; returning lets it through."""
    global _allowance
    _allowance = check


def on_api_call(counter: CallCounter) -> None:
    """Await `counter(organization_id, calls)` with the calls each organisation made (refused ones
    not counted), in the batches the audit entries are written in (billing counts the month's
    calls: a plan's limit may be passed by at most a batch); registering twice is a no-op. For
    each single call, subscribe to ApiCalled."""
    if counter not in _counters:
        _counters.append(counter)


async def call_allowance(organization_id: int) -> None:
    if _allowance is not None:
        await _allowance(organization_id)


@dataclass(frozen=True, slots=True)
class Quota:
    """The tighter of the key's and the organisation's windows after this call."""

    limit: int
    remaining: int
    reset: int  # seconds until the window starts afresh
    refused: bool
    mark_used: bool  # the key's last use is due for an update
    key_version: int  # the key's version now (keys.version_key): another than the kept one means it changed

    def headers(self) -> dict[str, str]:
        return {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(max(0, self.remaining)),
                "RateLimit-Reset": str(self.reset)}

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """`headers()` as an ASGI message carries them."""
        return [(b"ratelimit-limit", b"%d" % self.limit), (b"ratelimit-remaining", b"%d" % max(0, self.remaining)),
                (b"ratelimit-reset", b"%d" % self.reset)]


def _ns() -> str:
    return f"{get_settings().queue_name}:api"


# One round trip, one command: both windows counted (each expiring with its minute), whether the
# key's last use is due for an update (at most once a minute), and the key's version; for each call
# of a batch (KEYS in fours, one four per call, answers likewise).
TAKE_CALL = """
local answers = {}
for i = 1, #KEYS, 4 do
  local by_key = redis.call('INCR', KEYS[i])
  if by_key == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end
  local by_org = redis.call('INCR', KEYS[i + 1])
  if by_org == 1 then redis.call('EXPIRE', KEYS[i + 1], ARGV[1]) end
  local due = redis.call('SET', KEYS[i + 2], '1', 'NX', 'EX', ARGV[2])
  answers[#answers + 1] = by_key
  answers[#answers + 1] = by_org
  answers[#answers + 1] = due and 1 or 0
  answers[#answers + 1] = redis.call('GET', KEYS[i + 3]) or '0'
end
return answers
"""


@per_event_loop
def _take_call_script(client: Redis) -> AsyncScript:
    return client.register_script(TAKE_CALL)


class _CallBatches:
    """The calls of one event loop that ask in the same turn of it (50 clients at once: a handful
    per turn) go to Redis as one command; each call still gets its own answer, in its order. A
    failure reaches every call of the batch, as it would have reached each alone."""

    def __init__(self, client: Redis) -> None:
        self.client = client
        self.waiting: list[tuple[list[str], asyncio.Future]] = []
        self.sending: set[asyncio.Task] = set()

    def take(self, keys: list[str]) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        self.waiting.append((keys, answer))
        if len(self.waiting) == 1:  # the first of this turn: the batch leaves once the turn's calls joined it
            task = loop.create_task(self._send())
            self.sending.add(task)
            task.add_done_callback(self.sending.discard)
        return answer

    async def _send(self) -> None:
        batch, self.waiting = self.waiting, []
        try:
            flat = await _take_call_script(self.client)(keys=[k for keys, _answer in batch for k in keys],
                                                        args=[WINDOW_SECONDS + 5, LAST_USED_EVERY], client=self.client)
        except BaseException as error:
            for _keys, answer in batch:
                if answer.done():
                    continue
                if isinstance(error, asyncio.CancelledError):
                    answer.cancel()
                else:
                    answer.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for i, (_keys, answer) in enumerate(batch):
            if not answer.done():  # a call given up meanwhile (its client left) was counted all the same
                answer.set_result(flat[4 * i:4 * i + 4])


@per_event_loop
def _batches(client: Redis) -> _CallBatches:
    return _CallBatches(client)


async def take_call(organization_id: int, key_id: int, version_key: str) -> Quota:
    """Count one call against the key's and the organisation's fixed one-minute windows, and read
    the key's version (`version_key`), in one round trip (shared by the calls asking at once)."""
    settings = get_settings()
    now = utcnow().timestamp()
    window = int(now // WINDOW_SECONDS)
    reset = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    ns = _ns()
    by_key, by_org, due, version = await _batches(redis_client()).take(
        [f"{ns}:rl:key:{key_id}:{window}", f"{ns}:rl:org:{organization_id}:{window}", f"{ns}:used:{key_id}",
         version_key])
    key_left = settings.api_calls_per_key_minute - by_key
    org_left = settings.api_calls_per_org_minute - by_org
    limit, left = ((settings.api_calls_per_key_minute, key_left) if key_left <= org_left
                   else (settings.api_calls_per_org_minute, org_left))
    return Quota(limit, left, reset, left < 0, bool(due), int(version))


# This process's API audit entries not yet written: at most AUDIT_BATCH of them or AUDIT_FLUSH_EVERY
# seconds' worth (and whatever is left when the process stops, through flush_audit at shutdown). A
# crash loses at most that much of the per-call trail; the changes calls made are audited by their
# services in their own transactions.
_pending: list[dict] = []
_first_pending = 0.0
_calls: dict[int, int] = {}  # organisation -> answered calls not yet handed to the counters


_flushing = 0  # flushes under way in this process: a call finding the batch due while one runs leaves it be


def queue_audit(entry: dict) -> bool:
    """Keep one call's audit entry; True when the batch is due to be written (and no flush of this
    process is writing already: the calls answered while one runs would each start another)."""
    global _first_pending
    if not _pending:
        _first_pending = time.monotonic()
    _pending.append(entry)
    return not _flushing and (len(_pending) >= AUDIT_BATCH or time.monotonic() - _first_pending >= AUDIT_FLUSH_EVERY)


async def flush_audit() -> int:
    """Write the kept API audit entries to the audit trail in one INSERT, and hand the calls counted
    since the last flush to the counters; how many entries. What it writes is taken before its first
    await, so flushes running at once never write an entry or count a call twice."""
    global _flushing, _first_pending
    calls = dict(_calls)
    _calls.clear()
    entries = _pending[:AUDIT_MAX_FLUSH]
    del _pending[:AUDIT_MAX_FLUSH]
    _first_pending = time.monotonic()  # what is left (past AUDIT_MAX_FLUSH) waits one more interval at most
    _flushing += 1
    try:
        for organization_id, count in calls.items():
            for counter in _counters:
                try:
                    await counter(organization_id, count)
                except Exception:
                    log.exception("counting %s API calls of organisation %s failed", count, organization_id)
        if not entries:
            return 0
        try:
            await record_many(entries)
        except Exception:
            log.exception("could not write %s API audit entries", len(entries))
            return 0
        return len(entries)
    finally:
        _flushing -= 1


async def after_call(event: ApiCalled, ip: str) -> None:
    """A call's traces, after its response went out: its audit entry, then the usage listeners."""
    entry = {"organization": event.organization_id, "actor": None, "api_key": event.api_key_id,
             "action": "api.call", "entity": "api_key", "entity_id": event.api_key_id,
             "after": {"method": event.method, "route": event.route, "status": event.status}, "ip": ip[:64],
             "created_at": utcnow()}
    if event.status != 429:  # a refused call is not a call used
        _calls[event.organization_id] = _calls.get(event.organization_id, 0) + 1
    if queue_audit(entry):
        await flush_audit()
    await emit(event)
