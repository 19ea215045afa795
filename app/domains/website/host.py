"""The seller's own domain: a request whose Host is a shop's domain is served the shop's pages,
as if it had asked for /shop/<slug>/... (static files and the JSON API keep their paths)."""

from __future__ import annotations

from functools import lru_cache
from typing import cast
from urllib.parse import urlsplit

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

from app.core.errors import NotFound
from app.domains.website.shop import shop_by_host
from app.settings import get_settings

_KEEP = ("/static/", "/api/", "/shop/", "/healthz")


@lru_cache(maxsize=1)
def _own_hosts() -> frozenset[str]:
    host = urlsplit(get_settings().base_url).hostname or ""
    return frozenset({host, "localhost", "127.0.0.1", "testserver.local", "testserver"})


class ShopHostMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and scope.get("method") == "OPTIONS" \
                and scope.get("path", "").startswith("/api/storefront/"):
            await self._preflight(scope, send)
            return
        if scope["type"] == ScopeType.HTTP and not scope.get("path", "").startswith(_KEEP):
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").split(":")[0].lower()
            if host and host not in _own_hosts():
                shop = await shop_by_host(host)
                if shop is not None:
                    path = f"/shop/{shop.slug}{scope['path'] if scope['path'] != '/' else '/'}"
                    scope = cast(Scope, {**scope, "path": path, "raw_path": path.encode(), "shop_host": host})
        await self.app(scope, receive, send)

    @staticmethod
    async def _preflight(scope: Scope, send: Send) -> None:
        """CORS preflight of the storefront API, answered with the shop's own allowed origins
        (Litestar's CORS settings are one list for the whole app)."""
        from app.domains.website.api import cors_for
        from app.domains.website.shop import shop_by_slug

        slug = scope["path"].split("/")[3] if scope["path"].count("/") >= 3 else ""
        origin = dict(scope.get("headers") or []).get(b"origin", b"").decode("latin-1")
        try:
            shop = await shop_by_slug(slug)
        except NotFound:
            shop = None
        headers = cors_for(origin, shop)
        status = 204 if shop is not None else 404
        start: HTTPResponseStartEvent = {"type": "http.response.start", "status": status,
                                         "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
        await send(start)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
