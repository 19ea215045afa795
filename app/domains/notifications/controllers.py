from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, render
from app.domains.notifications import services
from app.domains.notifications.schemas import PreferencesForm


class NotificationsController(Controller):
    path = "/notifications"

    @get("/", name="notifications:index")
    async def index(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        items = await services.feed(tenant, ctx.user_id)
        await services.mark_read(tenant, ctx.user_id)
        return render(request, "notifications/index.html", items=items,
                      prefs=await services.preferences(tenant, ctx.user_id), kinds=services.KINDS)

    @get("/count", name="notifications:count")
    async def count(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        return render(request, "inventory/_low_count.html", count=await services.unread_count(tenant, ctx.user_id))

    @post("/preferences", name="notifications:preferences")
    async def save(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        form = PreferencesForm.parse(await form_data(request))
        await services.save_preferences(tenant, ctx.user_id, form.choices())
        flash(request, _("Notification settings saved."))
        return render(request, "notifications/index.html", items=await services.feed(tenant, ctx.user_id),
                      prefs=await services.preferences(tenant, ctx.user_id), kinds=services.KINDS)
