"""A demonstration task: walks through the organisation's members step by step, reporting progress.

It exists so a fresh install can show a live progress bar before any marketplace is connected.
"""

from __future__ import annotations

import asyncio

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress


@implements(contracts.demo_count)
async def demo_count(ctx: WorkerContext, *, organization_id: int, background_job_id: int, steps: int = 20,
                     delay: float = 0.15) -> dict[str, int]:
    for step in range(1, steps + 1):
        await asyncio.sleep(delay)
        await report_progress(ctx, step, steps, current=f"step {step} of {steps}")
    return {"steps": steps}
