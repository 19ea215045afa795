"""Server-side sessions in Redis, with a new session id whenever someone signs in.

Litestar keeps the id from the request's cookie for the life of the browser session. Signing in
under an id that existed before (perhaps one an attacker planted) would let whoever knows that id
ride the signed-in session, so `rotate_session()` marks the session and the backend moves the data
to a fresh id and forgets the old one when the response goes out.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

ROTATE = "_rotate_id"


def rotate_session(session: dict[str, Any]) -> None:
    """Ask for a new session id for this session when the response is sent."""
    session[ROTATE] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        if scope_session is Empty or not isinstance(scope_session, dict) or not scope_session.pop(ROTATE, False):
            await super().store_in_message(scope_session, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        if old_id := connection.cookies.get(self.config.key):
            await self.delete(old_id, store=store)
        new_id = self.generate_session_id()
        await self.set(session_id=new_id, data=self.serialize_data(scope_session, connection.scope), store=store)
        params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie", Cookie(value=new_id, key=self.config.key, **params).to_header(header=""))


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
