"""SAQ tasks and schedules. Tasks are thin: they call domain services.

`worker_settings()` is the one place that lists every task and cron schedule.
"""

from __future__ import annotations

from typing import Any

from saq import CronJob

from tasks.demo import demo_count
from tasks.lifecycle import after_process, before_process, shutdown, startup
from tasks.stores import process_webhook, refresh_store_tokens

FUNCTIONS = [demo_count, refresh_store_tokens, process_webhook]
CRON_JOBS: list[CronJob] = [
    # Every 10 minutes; refreshes what expires within 30 (one store at a time, single-flight).
    CronJob(refresh_store_tokens, cron="*/10 * * * *", timeout=600, heartbeat=120, retries=1),
]


def worker_settings() -> dict[str, Any]:
    from app.core.queue import get_queue
    from app.settings import get_settings

    return {
        "queue": get_queue(),
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS,
        "concurrency": get_settings().worker_concurrency,
        "startup": startup,
        "shutdown": shutdown,
        "before_process": before_process,
        "after_process": after_process,
    }
