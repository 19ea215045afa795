"""The platform admin: piccolo-admin over every registered table, for superusers only."""

from __future__ import annotations

from functools import lru_cache

from litestar import asgi
from litestar.response.redirect import ASGIRedirectResponse
from litestar.types import Receive, Scope, Send


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
    )


@asgi("/admin", is_mount=True, copy_scope=True, opt={"superuser": True}, name="admin:mount")
async def admin_mount(scope: Scope, receive: Receive, send: Send) -> None:
    """Hand the request to piccolo-admin with the path it expects (full path under root /admin)."""
    raw = scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
    if raw.rstrip("/") == "/admin" and not raw.endswith("/"):
        await ASGIRedirectResponse(path="/admin/", status_code=307)(scope, receive, send)
        return
    scope = dict(scope)
    scope["path"] = raw
    scope["root_path"] = "/admin"
    await _admin_app()(scope, receive, send)
