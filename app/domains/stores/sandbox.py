"""The marketplace sandbox mounted under /sandbox in the web process (SANDBOX_ENABLED).

It is a separate emulator with its own in-memory state: it never reads StoreSync's tables, and
StoreSync reaches it only over HTTP through the adapters, exactly as it would the real hosts. Its
apps are registered with the credentials StoreSync is configured with, and one Shopee and one
TikTok shop exist from the start with their webhook URLs pointing back at this app, so `make run`
connects stores end to end with no internet.

Its control API (/sandbox/_control: inject faults, fake orders, expire tokens) answers only
loopback clients and signed-in platform admins; everyone else gets a 404, as for any unknown page.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from litestar import Litestar, asgi
from litestar.connection import ASGIConnection
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Scope, Send

from app.core.auth import client_ip, load_context
from app.sandbox import SandboxState, create_sandbox_app
from app.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def mounted_sandbox() -> Litestar:
    settings = get_settings()
    base = settings.base_url.rstrip("/")
    state = SandboxState(seed=2026)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    state.register_tiktok_app(settings.tiktok_app_key, settings.tiktok_app_secret,
                              service_id=settings.tiktok_service_id, redirect_url=f"{base}/stores/callback")
    state.create_shop("shopee", app_id=settings.shopee_partner_id, name="Toko Demo Official Shop",
                      products=30, callback_url=f"{base}/webhooks/shopee")
    state.create_shop("tiktok", app_id=settings.tiktok_app_key, name="Toko Demo TikTok Shop",
                      products=30, callback_url=f"{base}/webhooks/tiktok")
    return create_sandbox_app(state, own_logging=False)


@asgi("/sandbox", is_mount=True, copy_scope=True, opt={"public": True}, name="sandbox:mount")
async def sandbox_mount(scope: Scope, receive: Receive, send: Send) -> None:
    """Hand /sandbox/... to the emulator with the prefix stripped (its paths stand in for the hosts)."""
    if _is_control(scope["path"]):
        connection = ASGIConnection(scope, receive, send)
        if not await may_control(connection):
            log.warning("sandbox control API refused to %s: %s %s", client_ip(connection), scope.get("method"),
                        scope["path"])
            await ASGIResponse(body=b'{"error":"not_found","message":"Not found."}', status_code=404,
                               media_type="application/json")(scope, receive, send)
            return
    await mounted_sandbox()(scope, receive, send)


def _is_control(path: str) -> bool:
    return path.lstrip("/").startswith("_control")


async def may_control(connection: ASGIConnection) -> bool:
    """Loopback clients (tests, the machine's own tools) and signed-in platform admins."""
    try:
        if ipaddress.ip_address(client_ip(connection)).is_loopback:
            return True
    except ValueError:
        pass
    ctx = await load_context(connection)
    return ctx is not None and ctx.superuser
