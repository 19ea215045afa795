"""Starting background jobs for an organisation and following them."""

from __future__ import annotations

import inspect
import json
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from saq.job import TERMINAL_STATUSES, Job, Status

from app.core import tasks
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.core.i18n import N_, _
from app.core.queue import Task, get_queue, job_options, task_job
from app.core.records import from_row, from_rows
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.jobs.statuses import JobStatus
from app.domains.jobs.tables import BackgroundJob

# SAQ's own statuses mapped to the ones people see.
_FROM_SAQ = {
    Status.NEW: JobStatus.QUEUED,
    Status.QUEUED: JobStatus.QUEUED,
    Status.ACTIVE: JobStatus.ACTIVE,
    Status.COMPLETE: JobStatus.COMPLETE,
    Status.FAILED: JobStatus.FAILED,
    Status.ABORTED: JobStatus.ABORTED,
    Status.ABORTING: JobStatus.ACTIVE,
}
CANCELLED_BY_PERSON = "cancelled by a person"
# The counts a finished job reports (its result), as people read them; other keys are not shown.
OUTCOME_LABELS = {
    "created": N_("new"), "updated": N_("updated"), "auto_mapped": N_("mapped automatically"),
    "unmapped": N_("waiting to be mapped"), "considered": N_("checked"), "sent": N_("sent"),
    "failed": N_("failed"), "compared": N_("compared"), "drifted": N_("drifted"), "fixed": N_("fixed"),
    "seen": N_("seen"), "oversold": N_("oversold"), "steps": N_("steps"),
    "waiting_confirmation": N_("waiting for your confirmation"),
}
# What a reconcile did with each drifted listing it reports (its result's "drift").
DRIFT_DONE = {"fixed": N_("fixed"), "failed": N_("not fixed"), "waiting": N_("waiting for your confirmation")}


def _outcome(result: Any) -> list[tuple[int, str]]:
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except ValueError:
            return []
    if not isinstance(result, dict):
        return []
    return [(value, OUTCOME_LABELS[key]) for key, value in result.items()
            if key in OUTCOME_LABELS and isinstance(value, int) and not isinstance(value, bool)]


def _drift(result: Any) -> list[dict]:
    """The drifted listings a reconcile reports: listing, from (marketplace) → to (StoreSync), what was done."""
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except ValueError:
            return []
    rows = result.get("drift") if isinstance(result, dict) else None
    if not isinstance(rows, list):
        return []
    return [{"listing_id": row.get("listing_id"), "listing": str(row.get("listing") or ""), "before": row.get("from"),
             "after": row.get("to"), "done": DRIFT_DONE.get(str(row.get("done")), N_("not fixed"))}
            for row in rows if isinstance(row, dict)]


def failure_reason(error: str | None) -> str:
    """Why a job failed, in a sentence for a seller, from the last line of its traceback
    ("module.Class: detail"): a marketplace error says what its class means to a seller, an
    application error its own sentence; anything else is not shown (it is in the worker's log)."""
    from app.core.errors import AppError
    from app.integrations import errors as integration_errors

    lines = (error or "").strip().splitlines()
    name, _sep, detail = (lines[-1] if lines else "").partition(": ")
    module, _dot, class_name = name.rpartition(".")
    if module == integration_errors.__name__:
        kind = getattr(integration_errors, class_name, None)
        if isinstance(kind, type) and issubclass(kind, integration_errors.IntegrationError):
            return _(kind.default_seller_message)
    if module.startswith("app.") and detail:
        kind = getattr(sys.modules.get(module), class_name, None)  # only classes this process knows
        if isinstance(kind, type) and issubclass(kind, AppError):
            return _(detail)
    return _("an unexpected error; it is in the worker's log")


def _parameters(value: Any) -> dict:
    if isinstance(value, str):
        return json.loads(value)
    return value or {}


def _status_of(job: Job, default: JobStatus, parameters: Any) -> JobStatus:
    """SAQ's status in people's terms. SAQ says "aborted" both for a job a person cancelled and for
    one the sweep took from a dead worker; the row's parameters remember who cancelled."""
    status = _FROM_SAQ.get(job.status, default)
    if status == JobStatus.ABORTED and "cancelled_by" in _parameters(parameters):
        return JobStatus.CANCELLED
    return status


@dataclass(slots=True)
class Progress:
    """A job's progress as the browser shows it."""

    job_id: int
    label: str
    status: JobStatus
    done: int
    total: int
    errors: int
    current: str
    error: str | None
    outcome: list[tuple[int, str]] = field(default_factory=list)  # (count, untranslated label)
    drift: list[dict] = field(default_factory=list)  # a reconcile's drifted listings (done: untranslated label)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.COMPLETE:
            return 100
        return int(round(100 * self.done / self.total)) if self.total else 0


async def start(tenant: Tenant, task: Task[..., object], label: str, *, timeout: int = 3600, retries: int = 3,
                **kwargs: Any) -> BackgroundJob:
    """Record a BackgroundJob and enqueue the SAQ task `task` (a contract of app.core.tasks) with
    keyword arguments (kept alive while it runs, re-run after a worker crash, backoff between failed
    attempts). The organisation and the job's id are added here; a wrong argument is a TypeError."""
    name = task.__name__
    key = f"bg:{uuid.uuid4().hex}"
    # The type checker cannot see kwargs through here (two arguments are added); check them now,
    # not when a worker runs the job.
    inspect.signature(task).bind({}, **kwargs, organization_id=tenant.organization_id, background_job_id=0)
    row = tenant.scoped(BackgroundJob).new(kind=name, label=label, saq_key=key, created_by=tenant.actor.user_id,
                                           parameters={"kwargs": kwargs, "timeout": timeout, "retries": retries})
    await row.save()
    await get_queue().enqueue(
        task_job(task, key=key, **job_options(timeout=timeout, retries=retries))(
            **kwargs, organization_id=tenant.organization_id, background_job_id=row.id)
    )
    await record(tenant.organization_id, tenant.actor, "job.started", "background_job", row.id, after={"task": name})
    return row


@dataclass(frozen=True, slots=True)
class JobRow:
    """A background job as the job lists show it."""

    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int
    errors: int
    result: Any
    error: str | None
    parameters: Any
    created_at: datetime
    finished_at: datetime | None


async def recent(tenant: Tenant, limit: int = 20) -> list[JobRow]:
    """The organisation's latest jobs, newest first."""
    return from_rows(JobRow, await tenant.scoped(BackgroundJob).select().order_by(
        BackgroundJob.id, ascending=False).limit(limit))


def _progress_of(row: BackgroundJob, job: Job | None) -> Progress:
    if job is None:  # Redis forgot it; the row holds the outcome
        failed = JobStatus(row.status) == JobStatus.FAILED and row.error
        return Progress(row.id, row.label, JobStatus(row.status), row.done, row.total, row.errors, "",
                        _("The job failed: %(reason)s", reason=failure_reason(row.error)) if failed else None,
                        _outcome(row.result), _drift(row.result))
    meta = job.meta or {}
    status = _status_of(job, JobStatus.QUEUED, row.parameters)
    error = None
    if status == JobStatus.FAILED:
        error = _("The job failed: %(reason)s", reason=failure_reason(job.error))
    return Progress(row.id, row.label, status, int(meta.get("done", 0)), int(meta.get("total", 0)),
                    int(meta.get("errors", 0)), str(meta.get("current", "")), error,
                    _outcome(job.result) if status == JobStatus.COMPLETE else [],
                    _drift(job.result) if status == JobStatus.COMPLETE else [])


async def progress(tenant: Tenant, job_id: int) -> Progress:
    row = await tenant.scoped(BackgroundJob).get(job_id, _("Job not found."))
    return _progress_of(row, await get_queue().job(row.saq_key))


async def follow(tenant: Tenant, job_id: int, *, wait: float = 1.0) -> AsyncIterator[Progress]:
    """Yield the job's progress now and after every change until it finishes (NotFound for
    another organisation's job). Changes arrive through Redis, so any web process can follow."""
    row = await tenant.scoped(BackgroundJob).get(job_id, _("Job not found."))
    queue = get_queue()
    last = None
    while True:
        job = await queue.job(row.saq_key)
        current = _progress_of(row, job)
        if current.status.finished and job is not None:
            # The worker records the outcome just after SAQ announces it; record it here too
            # (idempotent) so whoever reads the job list after the stream ends sees it finished.
            await mark(row.id, job)
        if current != last:
            yield current
            last = current
        if current.status.finished:
            return
        try:
            await queue.listen([row.saq_key], lambda _key, _status: True, timeout=wait)
        except TimeoutError:
            pass


async def mark(background_job_id: int, job: Job) -> None:
    """Mirror a SAQ job's state onto its BackgroundJob row (called by the worker around each job)."""
    meta = job.meta or {}
    stored = None
    if job.status == Status.ABORTED:
        stored = await BackgroundJob.select(BackgroundJob.parameters).where(
            BackgroundJob.id == background_job_id).first()
    status = _status_of(job, JobStatus.ACTIVE, stored and stored["parameters"])
    values: dict[Any, Any] = {
        BackgroundJob.status: status,
        BackgroundJob.done: int(meta.get("done", 0)),
        BackgroundJob.total: int(meta.get("total", 0)),
        BackgroundJob.errors: int(meta.get("errors", 0)),
    }
    if status.finished:
        values[BackgroundJob.finished_at] = utcnow()
        values[BackgroundJob.result] = job.result if isinstance(job.result, dict) else {"result": job.result}
        if job.error and status != JobStatus.CANCELLED:
            values[BackgroundJob.error] = job.error.strip().splitlines()[-1][:500]
    await BackgroundJob.update(values).where(BackgroundJob.id == background_job_id)


async def cancel(tenant: Tenant, job_id: int) -> Progress:
    """Cancel a queued or running job (SAQ abort: a queued one never starts, a running one's task is
    cancelled by its worker within about a second); refuses a finished one. Returns its progress now."""
    row = await tenant.scoped(BackgroundJob).get(job_id, _("Job not found."))
    queue = get_queue()
    job = await queue.job(row.saq_key)
    if job is None or not _progress_of(row, job).status.cancellable:
        raise Conflict(_("This job has already finished."))
    row.parameters = {**_parameters(row.parameters), "cancelled_by": tenant.actor.user_id or 0}
    await BackgroundJob.update({BackgroundJob.parameters: row.parameters}).where(BackgroundJob.id == row.id)
    await queue.abort(job, CANCELLED_BY_PERSON)
    await job.refresh()
    if job.status in TERMINAL_STATUSES:  # it was still queued: no worker will record it
        await mark(row.id, job)
    await record(tenant.organization_id, tenant.actor, "job.cancelled", "background_job", row.id,
                 after={"task": row.kind})
    return _progress_of(row, job)


async def retry(tenant: Tenant, job_id: int) -> BackgroundJob:
    """Start a failed or cancelled job again as a new job with the same parameters; refuses others."""
    row = await tenant.scoped(BackgroundJob).get(job_id, _("Job not found."))
    status = _progress_of(row, await get_queue().job(row.saq_key)).status
    if not status.retryable or not row.parameters:
        raise Conflict(_("Only a failed or cancelled job can be retried."))
    request = _parameters(row.parameters)
    kwargs = {k: v for k, v in request["kwargs"].items() if k not in ("organization_id", "background_job_id")}
    return await start(tenant, tasks.by_name(row.kind), row.label, timeout=int(request["timeout"]), retries=int(request["retries"]),
                       **kwargs)


async def get_job(tenant: Tenant, job_id: int) -> JobRow:
    """One job of the organisation with its stored outcome, or NotFound."""
    row = await tenant.scoped(BackgroundJob).select().where(BackgroundJob.id == job_id).first()
    if row is None:
        raise NotFound(_("Job not found."))
    return from_row(JobRow, row)
