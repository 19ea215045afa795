"""Logged-in pages kept, rendered, for a few seconds: per session, per page, per organisation data version.

A route opts in with `opt={"page_cache": True}` (a GET that renders HTML from the organisation's
data). `PageCacheMiddleware` then answers a repeat of the same request from memory when nothing
in the organisation changed since it was rendered:

- the route's guards run first (who is signed in, their organisation, their role): a removed
  member or a lowered role is refused exactly as without the cache, never served a kept page;
- the key is the session (its cookie and the CSRF cookie the page's forms carry), the request
  context as the pages show it (the person, the organisation and its name, the role, the
  organisation switcher), the language, the path and the query (sorted), and the htmx headers that
  choose between a page and a fragment (HX-Request, HX-Boosted, HX-Target, HX-Trigger);
- the value is the status, headers and body as the route sent them, kept in this process (a
  bounded LRU), tagged with the organisation's data version read from Redis before rendering;
- the data version (a random token in Redis per organisation) changes after every write request
  of the organisation (any method but GET/HEAD/OPTIONS, the web UI and the REST API alike; set
  before the response starts, so the writer's next request sees it) and on the domains' events
  and background jobs (`bump()`, wired in app/wiring.py and tasks/lifecycle.py);
- an entry is never older than PAGE_CACHE_MAX_AGE seconds, the safety net for changes nothing
  announces (a marketplace token found expired by a sweep, the date turning).

Never kept: anything but a 200 text/html answer, an answer setting a cookie or carrying HX-Redirect
and friends, a page rendered while the session held a flash message or that changed the session,
a request without both cookies (the CSRF middleware would set one). PAGE_CACHE=false turns it off.

Every process keeps its own pages, which no other process needs; the version they are checked
against is in Redis, shared by all. One Redis GET per cached request, no database.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.core.clock import utcnow
from app.core.i18n import current_locale
from app.core.redis import redis_client
from app.settings import get_settings

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ORGANIZATION = "page_cache.organization"  # connection state: the organisation a non-session caller (API key) acts in
SESSION_COOKIE = "ss_session"
CSRF_COOKIE = "ss_csrf"
FLASH = "_messages"  # where litestar's flash plugin keeps a session's messages
KEY_HEADERS = (b"hx-request", b"hx-boosted", b"hx-target", b"hx-trigger", b"hx-history-restore-request")
REFUSED_HEADERS = (b"set-cookie", b"hx-redirect", b"hx-location", b"hx-refresh", b"hx-retarget", b"hx-reswap")
MAX_BODY = 512 * 1024  # a larger page is not kept


def _version_key(organization_id: int) -> str:
    return f"{get_settings().queue_name}:page-version:{organization_id}"


async def bump(*organization_ids: int | None) -> None:
    """The organisations' data changed: pages kept before now are not served again (every process).
    Never raises: a page kept too long is bounded by PAGE_CACHE_MAX_AGE, a failed write is not."""
    wanted = {int(org) for org in organization_ids if org}
    if not wanted:
        return
    try:
        redis = redis_client()
        token = os.urandom(8).hex()
        if len(wanted) == 1:
            await redis.set(_version_key(next(iter(wanted))), token)
        else:
            await redis.mset({_version_key(org): token for org in wanted})
    except Exception:
        log.exception("could not mark organisations %s changed for the page cache", sorted(wanted))


async def bump_event(event: Any) -> None:
    """An event listener: the event's organisation changed (any event with `organization_id`)."""
    await bump(getattr(event, "organization_id", None))


async def bump_events(events: Iterable[Any]) -> None:
    """A batch listener: every organisation named by these events changed."""
    await bump(*(getattr(event, "organization_id", None) for event in events))


async def current_version(organization_id: int) -> str:
    """The organisation's data version; made (at random) when Redis has none, so that a version
    from before a Redis restart never matches again."""
    redis = redis_client()
    key = _version_key(organization_id)
    value = await redis.get(key)
    if value is None:
        await redis.set(key, os.urandom(8).hex(), nx=True)
        value = await redis.get(key)
    return value.decode() if isinstance(value, bytes) else str(value)


@dataclass(slots=True)
class _Entry:
    version: str
    stored: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class PageStore:
    """The kept pages of this process: least recently used first out, at most `max_bytes` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: _Entry) -> None:
        self.discard(key)
        self._entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes and self._entries:
            _key, old = self._entries.popitem(last=False)
            self.size -= len(old.body)

    def discard(self, key: tuple[Any, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)

    def clear(self) -> None:
        self._entries.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._entries)


pages = PageStore(max_bytes=32 * 1024 * 1024)


def _cookie(scope: Scope, name: str) -> str | None:
    prefix = name + "="
    for header, value in scope.get("headers") or ():
        if header == b"cookie":
            for part in value.decode("latin-1").split(";"):
                part = part.strip()
                if part.startswith(prefix):
                    return part[len(prefix):]
    return None


def _key_headers(scope: Scope) -> tuple[bytes, ...]:
    found = dict.fromkeys(KEY_HEADERS, b"")
    for header, value in scope.get("headers") or ():
        if header in found:
            found[header] = value
    return tuple(found.values())


def _query(scope: Scope) -> tuple[tuple[str, str], ...]:
    raw = scope.get("query_string", b"")
    if not raw:
        return ()
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    return tuple(sorted(pairs, key=lambda pair: pair[0]))  # stable: a repeated name keeps its order


def _organization_of(scope: Scope) -> int | None:
    state = scope.get("state") or {}
    ctx = state.get("ctx")
    if ctx is not None and getattr(ctx, "tenant", None) is not None:
        return ctx.tenant.organization_id
    if state.get(ORGANIZATION):
        return int(state[ORGANIZATION])
    session = scope.get("session")
    org = session.get("org_id") if isinstance(session, dict) else None
    return int(org) if org else None


def _context_key(ctx: Any) -> tuple[Any, ...]:
    """Everything of the request context a page may show (the person, the organisation's name, the
    organisation switcher, the role and what it allows): a change of any of them, which the context
    cache sees at once, is a different page."""
    tenant = ctx.tenant
    return (ctx.user_id, ctx.email, ctx.name, ctx.superuser, ctx.organization_name, tenant.organization_id,
            str(tenant.role), tenant.timezone, tenant.currency,
            tuple((choice.id, choice.name, str(choice.role)) for choice in ctx.memberships))


class PageCacheMiddleware:
    """See the module docstring. Registered after the session middleware (it reads the session)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method = scope.get("method", "GET")
        if method in SAFE_METHODS:
            handler = scope.get("route_handler")
            if method == "GET" and handler is not None and handler.opt.get("page_cache") and get_settings().page_cache:
                await self._cached(scope, receive, send, handler)
            else:
                await self.app(scope, receive, send)
            return
        await self._write(scope, receive, send)

    async def _write(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request that may change the organisation's data: its version changes once the handler
        has answered, before the answer goes out (one Redis SET; the app sends no background tasks),
        or at the end for one that never answered."""
        before = _organization_of(scope)
        bumped: set[int] = set()

        async def bumping_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                orgs = {org for org in (before, _organization_of(scope)) if org}
                await bump(*orgs)
                bumped.update(orgs)
            await send(message)

        try:
            await self.app(scope, receive, bumping_send)
        finally:
            await bump(*({org for org in (before, _organization_of(scope)) if org} - bumped))

    async def _cached(self, scope: Scope, receive: Receive, send: Send, handler: Any) -> None:
        try:
            await handler.authorize_connection(ASGIConnection(scope))
        except Exception:  # refused: the route refuses again, as it would without the cache
            await self.app(scope, receive, send)
            return
        state = scope.get("state") or {}
        ctx = state.get("ctx")
        session = scope.get("session")
        session_id, csrf = _cookie(scope, SESSION_COOKIE), _cookie(scope, CSRF_COOKIE)
        if (ctx is None or ctx.tenant is None or not isinstance(session, dict) or session.get(FLASH)
                or not session_id or not csrf):
            await self.app(scope, receive, send)
            return
        org = ctx.tenant.organization_id
        key = (session_id, csrf, _context_key(ctx), current_locale.get(), scope.get("path", ""), _query(scope),
               _key_headers(scope))
        version = await current_version(org)
        entry = pages.get(key)
        now = utcnow().timestamp()
        if entry is not None:
            if entry.version == version and now - entry.stored < get_settings().page_cache_max_age:
                # a copy: the middleware outside (the session's cookie, the security headers) appends to it
                await send({"type": "http.response.start", "status": entry.status, "headers": list(entry.headers)})
                await send({"type": "http.response.body", "body": entry.body, "more_body": False})
                return
            pages.discard(key)
        await self._render_and_keep(scope, receive, send, key, version, now, dict(session))

    async def _render_and_keep(self, scope: Scope, receive: Receive, send: Send, key: tuple[Any, ...],
                               version: str, now: float, session_before: dict[str, Any]) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capturing_send(message: Message) -> None:
            nonlocal keep, size
            if keep and message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                keep = (message["status"] == 200 and content_type.startswith(b"text/html")
                        and not any(n.lower() in REFUSED_HEADERS for n, _v in headers))
                start.update(status=message["status"], headers=headers)
            elif keep and message["type"] == "http.response.body":
                body = message.get("body", b"")
                size += len(body)
                keep = size <= MAX_BODY
                chunks.append(body)
                if keep and not message.get("more_body", False):
                    session = scope.get("session")
                    if isinstance(session, dict) and session == session_before and not session.get(FLASH):
                        pages.put(key, _Entry(version, now, start["status"], start["headers"], b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capturing_send)
