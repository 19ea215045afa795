"""Real `storesync worker` and `storesync serve` processes for the scale-out and crash-safety tests.

Each test works on a SAQ queue of its own (``own_queue``): this process enqueues there (get_queue()
follows the settings) and the processes it starts work it. The run's shared queue holds other
tests' leftovers (coalesced pushes nobody ran, imports, webhooks) and, for a few seconds after a
test stops its worker, a stale worker registration; neither can reach a queue of one's own.
A process writes its output to a file, not a pipe: a pipe nobody reads fills up (64 KiB) and then
blocks the worker in the middle of a log line.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from app.core.queue import get_queue
from app.settings import get_settings
from tests.support import ROOT, unique

T = TypeVar("T")
HEARTBEAT = 4  # seconds a running job may stay silent before the sweep takes it for dead
SWEEP = 2  # seconds between sweeps


@contextmanager
def own_queue(*, heartbeat: int = HEARTBEAT) -> Iterator[str]:
    """A queue of the test's own, and jobs enqueued from here with a short liveness heartbeat."""
    settings = get_settings()
    saved = settings.queue_name, settings.job_heartbeat_seconds
    settings.queue_name = f"{saved[0]}-{unique('q')}"
    settings.job_heartbeat_seconds = heartbeat
    try:
        yield settings.queue_name
    finally:
        settings.queue_name, settings.job_heartbeat_seconds = saved


class Process:
    """A storesync child process whose output goes to a file."""

    def __init__(self, args: list[str], env: dict[str, str], name: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="storesync-proc-")) / f"{name}.log"
        with self.path.open("w") as out:  # the child keeps its own copy of the descriptor
            self.popen = subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                                          stdout=out, stderr=subprocess.STDOUT, text=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.path.read_text(errors="replace")

    def kill9(self) -> None:
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> str:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        return self.output()


def child_env(**extra: str) -> dict[str, str]:
    """This run's database and Redis, the test's own queue, the sandbox the app is pointed at, and
    a short heartbeat and sweep so that a dead worker's job is taken back within seconds."""
    settings = get_settings()
    env = settings.child_env()
    env.update({
        "SHOPEE_API_BASE": settings.shopee_api_base, "TIKTOK_API_BASE": settings.tiktok_api_base,
        "TIKTOK_AUTH_BASE": settings.tiktok_auth_base, "TIKTOK_AUTHORIZE_URL": settings.tiktok_authorize_url,
        "JOB_HEARTBEAT_SECONDS": str(settings.job_heartbeat_seconds), "WORKER_SWEEP_SECONDS": str(SWEEP),
    })
    env.update(extra)
    return env


def start_worker(name: str = "worker", **extra: str) -> Process:
    return Process(["worker"], child_env(**extra), name)


async def wait_for(predicate: Callable[[], Awaitable[T]], timeout: float, what: str, every: float = 0.2) -> T:
    """Poll ``predicate`` (no pub/sub) until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        if value := await predicate():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(every)


async def registered_workers() -> int:
    """Workers that have announced themselves on the current (own) queue."""
    return len((await get_queue().info()).get("workers") or {})


async def wait_for_workers(count: int, processes: list[Process], timeout: float = 45) -> None:
    async def up() -> bool:
        for proc in processes:
            assert proc.popen.poll() is None, f"a worker exited early:\n{proc.output()[-3000:]}"
        return await registered_workers() >= count

    await wait_for(up, timeout, f"{count} workers to register")
