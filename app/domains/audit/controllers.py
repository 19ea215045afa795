from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Response

from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import render
from app.domains.audit import services
from app.domains.audit.readable import readable


class AuditController(Controller):
    path = "/audit"
    opt = {"permission": Permission.AUDIT_VIEW}

    @get("/", name="audit:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "audit/index.html", entries=await readable(tenant, await services.recent(tenant)))
