"""Publishing tasks: the daily refresh of each marketplace's category tree (cron only)."""

from __future__ import annotations

from typing import Any

from app.core.queue import WorkerContext


async def refresh_category_trees(ctx: WorkerContext) -> dict[str, Any]:
    """Re-read every platform's category tree into the cache, through one of its active stores."""
    from app.domains.publishing import refresh_trees

    report = await refresh_trees()
    return {"refreshed": report.refreshed}
