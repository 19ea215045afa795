"""The REST API's door: the bearer key, its scope, the rate limits, and the traces of each call.

`api_guard` runs before every /api/v1 handler (the app's session guard steps aside for routes
marked `opt={"api_key": True}`): it authenticates `Authorization: Bearer <key>`, counts the call
against the key's and the organisation's windows, asks the plans (usage.set_call_allowance), and
checks the scope the handler names in `opt["api_scope"]`. `ApiCallMiddleware` adds the
RateLimit-* headers to every answer (errors too) and, once the answer has gone out, leaves the
call's audit entry and tells the usage listeners.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.core import page_cache
from app.core.auth import client_ip
from app.core.clock import utcnow
from app.core.errors import AppError
from app.core.tenancy import Tenant
from app.domains.platform_api import keys, usage
from app.domains.platform_api.problems import ApiForbidden, ApiThrottled, ApiUnauthorized

STATE_PRINCIPAL = "api_principal"
STATE_QUOTA = "api_quota"
ANY_KEY = "*"  # opt["api_scope"] of a route any valid key may call


def bearer_token(connection: ASGIConnection) -> str:
    # read from the raw headers: connection.headers would parse every header of the call for this one
    for name, value in connection.scope.get("headers") or ():
        if name.lower() == b"authorization":
            scheme, _sep, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


async def api_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    ip = client_ip(connection)
    token = bearer_token(connection)
    principal = await keys.authenticate(token) if token else None
    if principal is None:
        raise ApiUnauthorized()
    quota = await usage.take_call(principal.organization_id, principal.key_id, keys.version_key(principal.prefix))
    if quota.key_version != principal.version:  # rotated or revoked since this process read it
        principal = await keys.authenticate(token, fresh=True)
        if principal is None:
            raise ApiUnauthorized()
    if not principal.admits(ip, utcnow()):
        raise ApiUnauthorized()
    connection.state[STATE_PRINCIPAL] = principal
    connection.state[page_cache.ORGANIZATION] = principal.organization_id  # a write bumps its pages' version
    connection.state[STATE_QUOTA] = quota
    if quota.refused:
        raise ApiThrottled("Too many calls: wait for the window to reset.", quota.reset)
    try:
        await usage.call_allowance(principal.organization_id)
    except AppError as refusal:  # a plan's limit: told as a rate limit, with its own sentence
        raise ApiThrottled(refusal.message, quota.reset) from None
    wanted = handler.opt.get("api_scope")
    if not wanted or (wanted != ANY_KEY and not principal.allows(wanted)):
        raise ApiForbidden()
    if quota.mark_used:
        await keys.mark_used(principal.key_id, ip)


async def api_tenant(request: Any) -> Tenant:
    """The organisation of the key that authenticated this call (never a session's)."""
    principal: keys.ApiPrincipal = request.state[STATE_PRINCIPAL]
    return principal.tenant(client_ip(request))


class ApiCallMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_with_limits(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                quota = scope.get("state", {}).get(STATE_QUOTA)
                if quota is not None:  # appended as they are: nothing else sets RateLimit-* on an API answer
                    message["headers"] = [*message.get("headers", ()), *quota.raw_headers()]
            await send(message)

        await self.app(scope, receive, send_with_limits)
        principal = scope.get("state", {}).get(STATE_PRINCIPAL)
        if principal is not None:
            route = str(scope.get("path_template") or scope["path"])
            client = scope.get("client")
            await usage.after_call(usage.ApiCalled(principal.organization_id, principal.key_id, str(scope.get("method")),
                                                   route, status), client[0] if client else "")
