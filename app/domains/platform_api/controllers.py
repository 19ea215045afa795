"""Settings -> API: owners and admins make, rotate and revoke the organisation's API keys; a new
or rotated key's secret is shown once, in the answer to the form that made it."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext
from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import render
from app.domains.platform_api import keys
from app.domains.platform_api.schemas import ApiKeyForm
from app.domains.platform_api.scopes import ACCESS, AREAS

MANAGE = {"permission": Permission.API_MANAGE}


async def _page(request: Request, tenant: Tenant, *, status_code: int = 200, **extra) -> Response:
    context = {"keys": await keys.list_keys(tenant), "areas": AREAS, "access": ACCESS, "now": utcnow(),
               "errors": {}, "form": {}, "secret": None, "secret_key": None, "message": None, **extra}
    return render(request, "platform_api/keys.html", fragment="platform_api/_keys.html", status_code=status_code,
                  **context)


class ApiKeysController(Controller):
    path = "/settings/api"

    @get("/", name="platform_api:keys", opt=MANAGE)
    async def index(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        return await _page(request, tenant)

    @post("/", name="platform_api:create", opt=MANAGE)
    async def create(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        submitted = await request.form()
        try:
            form = ApiKeyForm.parse_multi(submitted)
            key, secret = await keys.create_key(tenant, form)
        except ValidationFailed as exc:
            typed = {"name": submitted.get("name", ""), "scopes": submitted.getall("scopes") if "scopes" in submitted else [],
                     "expires_on": submitted.get("expires_on", ""), "allowed_ips": submitted.get("allowed_ips", "")}
            return await _page(request, tenant, status_code=422, errors=exc.errors, form=typed)
        return await _page(request, tenant, status_code=201, secret=secret, secret_key=key,
                           message=_("Key made. Copy it now: it is shown only once."))

    @post("/{key_id:int}/rotate", name="platform_api:rotate", opt=MANAGE)
    async def rotate(self, request: Request, ctx: RequestContext, tenant: Tenant, key_id: int) -> Response:
        key, secret = await keys.rotate_key(tenant, key_id)
        return await _page(request, tenant, secret=secret, secret_key=key,
                           message=_("New secret made; the old one no longer works. Copy it now: it is shown only once."))

    @post("/{key_id:int}/revoke", name="platform_api:revoke", opt=MANAGE)
    async def revoke(self, request: Request, ctx: RequestContext, tenant: Tenant, key_id: int) -> Response:
        key = await keys.revoke_key(tenant, key_id)
        return await _page(request, tenant, message=_("Key %(name)s revoked: calls with it are refused.", name=key.name))
