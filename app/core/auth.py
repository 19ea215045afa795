"""Who is asking: the session's user and organisation, their role, and the one permission guard.

Every route handler declares either `opt={"public": True}` or a `Permission` in
`opt={"permission": ...}` (VIEW when unspecified). `permission_guard` enforces it for all routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from app.core.errors import Forbidden, NotFound
from app.core.i18n import current_locale, normalize_locale
from app.core.permissions import Permission, allows
from app.core.statuses import Role
from app.core.tenancy import Actor, Tenant
from app.settings import get_settings

LOCALE_COOKIE = "ss_lang"


@dataclass(slots=True)
class OrgChoice:
    id: int
    name: str
    role: Role


@dataclass(slots=True)
class RequestContext:
    """The signed-in person and the organisation they are working in."""

    user_id: int
    email: str
    name: str
    superuser: bool
    tenant: Tenant | None
    organization_name: str = ""
    memberships: list[OrgChoice] = field(default_factory=list)

    @property
    def role(self) -> Role | None:
        return self.tenant.role if self.tenant else None

    def can(self, permission: Permission | str) -> bool:
        return self.tenant is not None and allows(self.tenant.role, Permission(permission))


ContextLoader = Callable[[int, "int | None", str | None], Awaitable["RequestContext | None"]]
_context_loader: ContextLoader | None = None


def set_context_loader(loader: ContextLoader) -> None:
    """Name the function that builds a RequestContext from a session's user and organisation ids
    (accounts' `context_for`): core knows no domain, create_app tells it."""
    global _context_loader
    _context_loader = loader


def client_ip(connection: ASGIConnection) -> str:
    return connection.client.host if connection.client else "unknown"


def _session(connection: ASGIConnection) -> dict[str, Any]:
    session = connection.scope.get("session")
    return session if isinstance(session, dict) else {}


async def load_context(connection: ASGIConnection) -> RequestContext | None:
    """The context for this connection from its session (cached on the connection)."""
    if "ctx" in connection.state:
        return connection.state["ctx"]
    ctx = None
    session = _session(connection)
    user_id = session.get("user_id")
    if user_id:
        if _context_loader is None:
            raise RuntimeError("no request-context loader: create_app() registers accounts' context_for")
        ctx = await _context_loader(int(user_id), session.get("org_id"), client_ip(connection))
        if ctx is None:  # user deactivated or deleted since login
            connection.scope["session"] = {}
    connection.state["ctx"] = ctx
    return ctx


def resolve_locale(connection: ASGIConnection) -> str:
    session = _session(connection)
    chosen = session.get("locale") or connection.cookies.get(LOCALE_COOKIE)
    return normalize_locale(chosen, get_settings().default_locale)


async def permission_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if handler.opt.get("api_key"):  # the REST API: its own guard authenticates the bearer key, never a session
        return
    current_locale.set(resolve_locale(connection))
    if handler.opt.get("public") or handler.opt.get("is_static"):
        return
    ctx = await load_context(connection)
    if ctx is None:
        raise NotAuthorizedException("Please log in.")
    if handler.opt.get("superuser"):
        if not ctx.superuser:
            raise NotFound()
        return
    if handler.opt.get("no_org"):
        return
    if ctx.tenant is None:
        raise NotAuthorizedException("Choose an organisation first.")
    permission = Permission(handler.opt.get("permission", Permission.VIEW))
    if not ctx.can(permission):
        raise Forbidden()


async def provide_ctx(request: Request) -> RequestContext:
    ctx = await load_context(request)
    if ctx is None:
        raise NotAuthorizedException("Please log in.")
    return ctx


async def provide_tenant(request: Request) -> Tenant:
    ctx = await provide_ctx(request)
    if ctx.tenant is None:
        raise NotAuthorizedException("Choose an organisation first.")
    return ctx.tenant


def actor_of(ctx: RequestContext, connection: ASGIConnection) -> Actor:
    return Actor(ctx.user_id, client_ip(connection), ctx.email)


