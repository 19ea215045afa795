"""Background jobs: the list, starting the demo job, and live progress over server-sent events."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from app.core import tasks
from app.core.i18n import _, deferred
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, render, wants_fragment
from app.domains.jobs import services


class JobsController(Controller):
    path = "/jobs"

    @get("/", name="jobs:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "jobs/index.html", fragment="jobs/_list.html", jobs=await services.recent(tenant))

    @post("/demo", name="jobs:start_demo", opt={"permission": Permission.JOBS_RUN})
    async def start_demo(self, request: Request, tenant: Tenant) -> Response:
        row = await services.start(tenant, tasks.demo_count, deferred("Demo job: 20 steps"), timeout=300, retries=1, steps=20)
        flash(request, _("Job started."))
        progress = await services.progress(tenant, row.id)
        return render(request, "jobs/index.html", fragment="jobs/_progress.html", jobs=await services.recent(tenant),
                      progress=progress)

    @get("/{job_id:int}", name="jobs:show")
    async def show(self, request: Request, tenant: Tenant, job_id: int) -> Response:
        progress = await services.progress(tenant, job_id)
        return render(request, "jobs/show.html", fragment="jobs/_progress.html", progress=progress)

    @post("/{job_id:int}/cancel", name="jobs:cancel", opt={"permission": Permission.JOBS_RUN})
    async def cancel(self, request: Request, tenant: Tenant, job_id: int) -> Response:
        progress = await services.cancel(tenant, job_id)
        flash(request, _("Job cancelled.") if progress.status.finished else _("Cancelling…"))
        return self._progress(request, progress)

    @post("/{job_id:int}/retry", name="jobs:retry", opt={"permission": Permission.JOBS_RUN})
    async def retry(self, request: Request, tenant: Tenant, job_id: int) -> Response:
        row = await services.retry(tenant, job_id)
        flash(request, _("Started again: %(label)s", label=row.label))
        return self._progress(request, await services.progress(tenant, row.id))

    def _progress(self, request: Request, progress: services.Progress) -> Response:
        if wants_fragment(request):
            return render(request, "jobs/show.html", fragment="jobs/_progress.html", progress=progress)
        return Redirect(f"/jobs/{progress.job_id}", status_code=303)

    @get("/{job_id:int}/events", name="jobs:events")
    async def events(self, request: Request, tenant: Tenant, job_id: int) -> ServerSentEvent:
        await services.progress(tenant, job_id)  # NotFound before the stream starts
        engine = request.app.template_engine
        assert engine is not None, "create_app configures templates"
        template = engine.get_template("jobs/_progress_bar.html")
        ctx = request.state.get("ctx")
        can_run = bool(ctx and ctx.can(Permission.JOBS_RUN))

        async def stream() -> AsyncIterator[ServerSentEventMessage]:
            async for progress in services.follow(tenant, job_id):
                html = template.render(progress=progress, can_run=can_run)
                yield ServerSentEventMessage(data=html.replace("\n", " "), event="progress")
                if progress.status.finished:
                    yield ServerSentEventMessage(data=html.replace("\n", " "), event="done")

        return ServerSentEvent(stream(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
