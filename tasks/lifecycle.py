"""Worker start-up/shutdown and the hooks that mirror each job onto its BackgroundJob row."""

from __future__ import annotations

import logging

from app.core.queue import WorkerContext

log = logging.getLogger(__name__)


async def startup(ctx: WorkerContext) -> None:
    from app.core.database import start_database
    from app.wiring import register_listeners

    register_listeners()  # stock changes made by jobs enqueue pushes, and the other reactions
    if not ctx.get("in_web_process"):
        await start_database()


async def shutdown(ctx: WorkerContext) -> None:
    from app.core.database import stop_database
    from app.domains.stores.adapters import close_adapters

    if not ctx.get("in_web_process"):  # else the web process's lifespan closes both
        await close_adapters()
        await stop_database()


def _background_job_id(ctx: WorkerContext) -> int | None:
    job = ctx.get("job")
    return (job.kwargs or {}).get("background_job_id") if job else None


def _organization_id(ctx: WorkerContext) -> int | None:
    job = ctx.get("job")
    return (job.kwargs or {}).get("organization_id") if job else None


async def before_process(ctx: WorkerContext) -> None:
    from app.core.page_cache import bump
    from app.domains.jobs.services import mark

    if (bg := _background_job_id(ctx)) is not None:
        await mark(bg, ctx["job"])
    await bump(_organization_id(ctx))  # its pages show the job running (page_cache)


async def after_process(ctx: WorkerContext) -> None:
    from app.core.page_cache import bump
    from app.domains.jobs.services import mark

    if (bg := _background_job_id(ctx)) is not None:
        try:
            await mark(bg, ctx["job"])
        except Exception:  # the job's outcome stays in Redis; losing the mirror must not kill the worker
            log.exception("could not record the outcome of background job %s", bg)
    # whatever a job of an organisation changed shows on its pages now (app/core/page_cache.py)
    await bump(_organization_id(ctx))
