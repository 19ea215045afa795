from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Response

from app.core.tenancy import Tenant
from app.core.web import render
from app.domains.dashboard import services


class DashboardController(Controller):
    @get("/", name="dashboard:index", opt={"page_cache": True})  # app/core/page_cache.py
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "dashboard/index.html", summary=await services.summary(tenant))
