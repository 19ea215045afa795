"""Token sources: where a shop-scoped call gets its access token, and how it is renewed.

``TokenKeeper`` is the production one: it refreshes ahead of expiry and after a rejection, with
one refresh at a time per store across every process (a Redis single-flight lock), reading and
writing the tokens through callbacks so that persistence (encrypted, in the stores domain) stays
outside the integration layer.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from app.integrations.base import TokenSet
from app.integrations.locks import SingleFlight

log = logging.getLogger(__name__)


class StaticToken:
    """A fixed access token that cannot be renewed (tests, one-off scripts)."""

    def __init__(self, access_token: str) -> None:
        self._token = access_token

    async def access_token(self) -> str:
        return self._token

    async def renew(self, rejected_token: str) -> str:
        return self._token


class TokenKeeper:
    """Current tokens of one store, refreshed ahead of expiry and once per rejection, one process at a time.

    ``load`` returns the stored TokenSet; ``save`` persists a refreshed one (it must be durable before
    the old refresh token is forgotten, since refresh tokens are single-use); ``refresh`` is the
    adapter's ``refresh_tokens``.
    """

    def __init__(
        self,
        *,
        key: str,
        load: Callable[[], Awaitable[TokenSet]],
        save: Callable[[TokenSet], Awaitable[None]],
        refresh: Callable[[TokenSet], Awaitable[TokenSet]],
        lock: SingleFlight,
        refresh_ahead: float = 600.0,
    ) -> None:
        self.key = key
        self._load = load
        self._save = save
        self._refresh = refresh
        self._lock = lock
        self.refresh_ahead = refresh_ahead
        self._current: TokenSet | None = None

    async def current(self) -> TokenSet:
        """The freshest TokenSet, refreshing first when it expires within ``refresh_ahead`` seconds."""
        tokens = self._current or await self._load()
        if tokens.expires_within(self.refresh_ahead):
            tokens = await self._refresh_once(tokens.access_token)
        self._current = tokens
        return tokens

    async def access_token(self) -> str:
        return (await self.current()).access_token

    async def renew(self, rejected_token: str) -> str:
        return (await self._refresh_once(rejected_token, rejected=True)).access_token

    async def _refresh_once(self, stale_access_token: str, *, rejected: bool = False) -> TokenSet:
        async with self._lock.hold(f"token-refresh:{self.key}"):
            # Another process may have refreshed while we waited for the lock: use its result
            # rather than spending the (single-use) refresh token a second time.
            stored = await self._load()
            already_done = stored.access_token != stale_access_token and (
                rejected or not stored.expires_within(self.refresh_ahead)
            )
            if already_done:
                self._current = stored
                return stored
            log.info("refreshing tokens store=%s rejected=%s", self.key, rejected)
            fresh = await self._refresh(stored)
            await self._save(fresh)
            self._current = fresh
            return fresh
