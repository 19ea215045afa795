"""The platform admin: piccolo-admin over every registered table, for superusers only.

One login: the app's session decides who may enter (the superuser guard on the mount), and the
mount hands piccolo-admin a session of its own for that same person, so that its API accepts them
without a second login form.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from http.cookies import SimpleCookie
from typing import cast

from litestar import asgi
from litestar.response.redirect import ASGIRedirectResponse
from litestar.types import Message, Receive, Scope, Send

ADMIN_COOKIE = "id"  # the cookie piccolo-admin's session backend reads
ADMIN_SESSION = timedelta(hours=1)


@lru_cache(maxsize=1)
def _admin_app():
    from piccolo.conf.apps import Finder
    from piccolo_admin.endpoints import create_admin

    from app.settings import get_settings

    return create_admin(
        tables=Finder().get_table_classes(),
        site_name="StoreSync admin",
        production=get_settings().cookies_secure,
        allowed_hosts=[],
        session_expiry=ADMIN_SESSION,
    )


def _cookies(scope: Scope) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is simply not read
                pass
    return jar


async def _admin_session(scope: Scope) -> str | None:
    """A new piccolo-admin session token for the signed-in superuser, or None when theirs is valid."""
    from piccolo_api.session_auth.tables import SessionsBase

    ctx = (scope.get("state") or {}).get("ctx")
    if ctx is None or not ctx.superuser:
        return None
    current = _cookies(scope).get(ADMIN_COOKIE)
    if current is not None and await SessionsBase.get_user_id(current.value) == ctx.user_id:
        return None
    session = await SessionsBase.create_session(user_id=ctx.user_id)  # piccolo's default: one hour
    return session.token


def _with_cookie(scope: Scope, token: str) -> Scope:
    jar = _cookies(scope)
    jar[ADMIN_COOKIE] = token
    header = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items()).encode("latin-1")
    headers = [(k, v) for k, v in scope.get("headers", []) if k != b"cookie"] + [(b"cookie", header)]
    return cast("Scope", {**scope, "headers": headers})


@asgi("/admin", is_mount=True, copy_scope=True, opt={"superuser": True}, name="admin:mount")
async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
    """Hand the request to piccolo-admin with the path it expects (full path under root /admin)."""
    from app.settings import get_settings

    raw = scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
    if raw.rstrip("/") == "/admin" and not raw.endswith("/"):
        await ASGIRedirectResponse(path="/admin/", status_code=307)(scope, receive, send)
        return
    scope = cast("Scope", dict(scope))
    scope["path"] = raw
    scope["root_path"] = "/admin"
    token = await _admin_session(scope)
    if token is not None:
        scope = _with_cookie(scope, token)
        secure = "; Secure" if get_settings().cookies_secure else ""
        cookie = f"{ADMIN_COOKIE}={token}; Path=/admin; HttpOnly; SameSite=Lax{secure}".encode("latin-1")
        inner_send = send

        async def send(message: Message) -> None:  # noqa: F811 - the same send, with the cookie set
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await inner_send(message)

    await _admin_app()(scope, receive, send)
