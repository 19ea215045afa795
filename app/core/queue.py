"""The SAQ queue, the options every long job is enqueued with, and the one helper tasks use to
report progress.

Progress lives in the SAQ job in Redis, so any web process can stream it; the outcome is also
written to the job's BackgroundJob row because Redis forgets finished jobs.

A worker killed in the middle of a job (kill -9, a lost machine) leaves the job "active" in Redis.
Every running job therefore touches its record every third of its heartbeat (`keep_alive`, applied
to every task by `tasks.worker_settings`); SAQ's sweep, run by one of the workers every
WORKER_SWEEP_SECONDS, takes a job silent for longer than its heartbeat for dead and enqueues it
again. Tasks are written to be re-run: they work from current state (stock, outbox, watermark),
never from a figure computed by the attempt that died.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from redis.asyncio import Redis
from saq import Queue
from saq.job import TERMINAL_STATUSES, Job, Status
from saq.queue.redis import RedisQueue
from saq.types import Context

from app.core.redis import ensure_redis, per_event_loop
from app.settings import get_settings

log = logging.getLogger(__name__)
MAX_RETRY_DELAY = 300.0
P = ParamSpec("P")
R = TypeVar("R")


class WorkerContext(Context, total=False):
    """What SAQ hands every task and hook (worker, job, queue, exception), plus ours."""

    in_web_process: bool  # the worker runs inside a web process, whose lifespan owns the database


Task = Callable[Concatenate[WorkerContext, P], Awaitable[R]]
"""A SAQ task: `async def task(ctx, *, arg...)`."""


def implements(contract: Task[P, object]) -> Callable[[Task[P, R]], Task[P, R]]:
    """Mark a task function as the implementation of `contract` (app.core.tasks): the type checker
    holds it to the contract's parameters, and its name must be the contract's (the job's name)."""

    def check(function: Task[P, R]) -> Task[P, R]:
        if function.__name__ != contract.__name__:
            raise TypeError(f"task {function.__name__} implements the contract of {contract.__name__}")
        return function

    return check


def task_job(task: Task[P, object], *, key: str | None = None, **fields: Any) -> Callable[P, Job]:
    """A builder of a SAQ job that runs `task` with its keyword arguments, type-checked against the
    task's signature: `task_job(push_stock, key=k, **job_options(...))(organization_id=1, store_id=2)`.
    `fields` are further Job fields (timeout, retries, scheduled, ttl ...)."""

    def build(*args: P.args, **kwargs: P.kwargs) -> Job:
        if args:
            raise TypeError(f"{task.__name__} takes keyword arguments only")
        if key is not None:
            fields["key"] = key
        return Job(function=task.__name__, kwargs=dict(kwargs), **fields)

    return build


class StoreSyncQueue(RedisQueue):
    """SAQ's Redis queue with a sweep that leaves alone a job a worker is taking at that moment.

    A worker moves a job from the queued list to the active list and marks it active a moment
    later. SAQ's own sweep takes any job in the active list not marked active for an orphan: one
    caught in between was aborted and taken off the lists while its worker went on running it, so
    when that worker then died nobody ever ran the job again (a push that never finished). Here
    such a job is swept only when it is still not marked active a little later.
    """

    TAKING_GRACE = 2.0  # seconds a worker may take between moving a job and marking it active

    async def sweep(self, lock: int | None = None, abort: float = 5.0) -> list[str]:
        # One sweep per sweep interval across all workers. SAQ's own default lock is 60 s whatever the
        # interval, so a worker killed just after sweeping kept every other worker from taking its
        # job back for up to a minute.
        lock = lock if lock is not None else max(1, get_settings().worker_sweep_seconds)
        if not await self.redis.set(self._sweep, 1, ex=lock, nx=True):
            return []  # another worker swept within the last `lock` seconds
        dead: list[Job] = []
        unsure: list[bytes] = []
        # redis-py types a command as "awaitable or value" for its sync and async clients alike
        for job_id in await self.redis.lrange(self._active, 0, -1):  # type: ignore[misc]
            job = await self._get_job_by_id(job_id)
            if job is None:
                await self._forget(job_id)
            elif job.stuck:
                dead.append(job)
            elif job.status != Status.ACTIVE:
                unsure.append(job_id)
        if unsure:
            await asyncio.sleep(self.TAKING_GRACE)
            for job_id in unsure:
                job = await self._get_job_by_id(job_id)
                still_listed = job_id in await self.redis.lrange(self._active, 0, -1)  # type: ignore[misc]  # as above
                if job is not None and still_listed and (job.stuck or job.status not in (Status.ACTIVE, *TERMINAL_STATUSES)):
                    dead.append(job)
        for job in dead:
            log.info("Sweeping job %s", job.info())
            await self.abort(job, error=self.swept_error_message)
            try:
                await job.refresh(abort)  # a live but stuck worker gets `abort` seconds to stop it
            except TimeoutError:
                log.info("Could not abort job %s (its worker is gone)", job.key)
            if job.retryable:
                await self.retry(job, error=self.swept_error_message)
            else:
                await self.finish(job, Status.ABORTED, error=self.swept_error_message)
        return [job.id for job in dead]

    async def _forget(self, job_id: bytes) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self._active, 0, job_id)  # type: ignore[arg-type]  # redis-py takes bytes; typed as str
            pipe.zrem(self._incomplete, job_id)
            await pipe.execute()
        log.info("Sweeping missing job %s", job_id)


@per_event_loop
def _queue(url: str, name: str) -> Queue:
    # Built from a client rather than Queue.from_url, which refuses unix:// socket URLs.
    return StoreSyncQueue(Redis.from_url(url), name=name)


def get_queue() -> Queue:
    return _queue(ensure_redis(), get_settings().queue_name)


async def report_progress(ctx: WorkerContext, done: int, total: int, *, current: str = "", errors: int = 0) -> None:
    """Tell watchers how far a task is: done of total, the item at hand, errors so far."""
    job = ctx["job"]
    fraction = (done / total) if total else 1.0
    await job.update(progress=min(max(fraction, 0.0), 1.0), meta={**(job.meta or {}),
                                                                 "done": done, "total": total,
                                                                 "current": current, "errors": errors})


def job_options(*, timeout: int, retries: int) -> dict[str, Any]:
    """SAQ job fields for a job that may run long: its timeout and attempts, the liveness heartbeat,
    and exponential backoff with jitter between attempts."""
    settings = get_settings()
    return {"timeout": timeout, "retries": retries, "heartbeat": settings.job_heartbeat_seconds,
            "retry_delay": settings.job_retry_delay_seconds, "retry_backoff": MAX_RETRY_DELAY}


def keep_alive(function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap a task so that its job touches its record in Redis while it runs (every third of its
    heartbeat): only a job whose worker died goes silent. The ticker stops before the task returns,
    so it never writes after the worker has recorded the outcome."""

    @functools.wraps(function)
    async def run(ctx: WorkerContext, **kwargs: Any) -> Any:
        job = ctx.get("job")
        if job is None or not job.heartbeat:
            return await function(ctx, **kwargs)
        ticker = asyncio.create_task(_touch_every(job, max(job.heartbeat / 3, 0.5)))
        try:
            return await function(ctx, **kwargs)
        finally:
            ticker.cancel()
            await asyncio.wait({ticker})

    return run


async def _touch_every(job: Any, seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await job.update()  # sets `touched`; keeps whatever status Redis holds (an abort wins)
        except Exception:  # a Redis hiccup: the next tick tries again
            log.warning("could not touch job %s", job.key, exc_info=True)
