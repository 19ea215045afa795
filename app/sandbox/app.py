"""The sandbox as a Litestar application: both emulated platforms plus the control API."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Router

from app.sandbox.control_api import control_router
from app.sandbox.courier_api import courier_routers
from app.sandbox.lazada_api import lazada_routers
from app.sandbox.payment_api import payment_routers
from app.sandbox.shopee_api import shopee_router
from app.sandbox.state import SandboxState
from app.sandbox.tiktok_api import tiktok_routers


def sandbox_routers(state: SandboxState) -> list[Router]:
    """The sandbox's routers, for including in another Litestar app instead of mounting it."""
    return [shopee_router(state), *tiktok_routers(state), control_router(state), *payment_routers(state.payments),
            *courier_routers(state.couriers), *lazada_routers(state)]


def create_sandbox_app(state: SandboxState | None = None, *, own_logging: bool = True) -> Litestar:
    """A standalone ASGI app of the sandbox; mount it under a prefix or serve it on its own.

    Paths: /shopee/api/v2/..., /tiktok/<api path>, /midtrans/... and /xendit/... (payments), /biteship/... (couriers), /tiktok-auth/api/v2/token/..., the consent pages
    /shopee/api/v2/shop/auth_partner and /tiktok-services/open/authorize, and /_control/....
    The state is reachable as ``app.state.sandbox``. Mounted inside another app, pass
    ``own_logging=False``: Litestar's default logging config would replace the host's root handlers.
    """
    state = state or SandboxState()
    extra: dict[str, Any] = {} if own_logging else {"logging_config": None}
    app = Litestar(route_handlers=sandbox_routers(state), openapi_config=None, **extra)
    app.state.sandbox = state
    return app
