"""Catalog tasks: the bulk import of products and variants from an uploaded file."""

from __future__ import annotations

from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress


@implements(contracts.import_catalog)
async def import_catalog(ctx: WorkerContext, *, organization_id: int, background_job_id: int, path: str,
                         actor_id: int | None = None) -> dict[str, Any]:
    """Import the uploaded file at `path` (inside the organisation's upload folder), write the
    per-row error report beside it and return the counts."""
    from app.domains.catalog.spreadsheet_import import run_import_job

    async def progress(done: int, total: int, errors: int, current: str) -> None:
        await report_progress(ctx, done, total, current=current, errors=errors)

    return await run_import_job(organization_id, background_job_id, path, actor_id=actor_id, progress=progress)
