"""Server-side sessions in Redis, with a new session id whenever someone signs in, written only
when they change.

Litestar keeps the id from the request's cookie for the life of the browser session. Signing in
under an id that existed before (perhaps one an attacker planted) would let whoever knows that id
ride the signed-in session, so `rotate_session()` marks the session and the backend moves the data
to a fresh id and forgets the old one when the response goes out.

Litestar writes the session to the store on every response. Here a session that reads the same
as when it was loaded is not written again, unless its last write is older than a tenth of its
life (the write renews the store's expiry, so an active session still never expires); an empty
session nobody had before (a visitor who has not signed in) is neither stored nor given a cookie.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from app.core.clock import utcnow

ROTATE = "_rotate_id"
WRITTEN = "_written"  # when the session was last stored (seconds since the epoch)
_LOADED = "storesync.session_loaded"  # scope key: the stored bytes the request's session came from


def rotate_session(session: dict[str, Any]) -> None:
    """Ask for a new session id for this session when the response is sent."""
    session[ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    _params: dict[str, Any] | None = None

    def _cookie_params(self) -> dict[str, Any]:
        """The cookie's attributes from the config, worked out once (every response sends the cookie)."""
        if self._params is None:
            self._params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        return self._params

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        if session_id := connection.cookies.get(self.config.key):
            data = await self.get(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
            if data is not None:
                connection.scope[_LOADED] = data  # type: ignore[literal-required]
                return self.deserialize_data(data)
        return {}

    def _unchanged(self, scope_session: dict[str, Any], connection: ASGIConnection) -> bool:
        loaded = connection.scope.get(_LOADED)
        if loaded is None:
            return not scope_session  # nothing stored before, nothing to store now
        written = scope_session.get(WRITTEN)
        refresh = (self.config.max_age or 0) / 10
        if not isinstance(written, (int, float)) or utcnow().timestamp() - written > refresh:
            return False
        return self.serialize_data(scope_session, connection.scope) == loaded

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if isinstance(scope_session, dict) and not scope_session.get(ROTATE):
            if self._unchanged(scope_session, connection):
                if connection.scope.get(_LOADED) is not None:  # the cookie as Litestar sends it on every response
                    MutableScopeHeaders.from_message(message).add("Set-Cookie", Cookie(
                        value=self.get_session_id(connection), key=self.config.key,
                        **self._cookie_params()).to_header(header=""))
                return
            scope_session[WRITTEN] = int(utcnow().timestamp())
        if scope_session is Empty or not isinstance(scope_session, dict) or not scope_session.pop(ROTATE, False):
            await super().store_in_message(scope_session, message, connection)
            return
        scope_session[WRITTEN] = int(utcnow().timestamp())
        store = self.config.get_store_from_app(connection.scope["app"])
        if old_id := connection.cookies.get(self.config.key):
            await self.delete(old_id, store=store)
        new_id = self.generate_session_id()
        await self.set(session_id=new_id, data=self.serialize_data(scope_session, connection.scope), store=store)
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie", Cookie(value=new_id, key=self.config.key, **self._cookie_params()).to_header(header=""))


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
