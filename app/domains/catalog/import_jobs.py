"""Catalog imports as the web sees them: store the upload, start the job, list and report."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from app.core import tasks
from app.core.i18n import _, deferred
from app.core.tenancy import Tenant
from app.domains import jobs
from app.domains.catalog.errors import NotFound
from app.domains.catalog.spreadsheet_import import (
    COLUMNS,
    MAX_BYTES,
    ImportFileError,
    column_name,
    read_sheet,
    report_path,
    uploads_dir,
)

TASK = tasks.import_catalog.__name__
CHUNK = 1024 * 1024


async def save_upload(tenant: Tenant, read: Callable[[int], Awaitable[bytes]]) -> Path:
    """Copy an uploaded file into the organisation's upload folder under a new random name
    (the client's file name is never used); ImportFileError (413) past MAX_BYTES."""
    path = await asyncio.to_thread(_new_upload_path, tenant.organization_id)
    out = await asyncio.to_thread(path.open, "wb")
    size = 0
    try:
        while chunk := await read(CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise too_large()
            await asyncio.to_thread(out.write, chunk)
    except BaseException:
        out.close()
        await asyncio.to_thread(path.unlink, True)
        raise
    out.close()
    return path


def _new_upload_path(organization_id: int) -> Path:
    folder = uploads_dir(organization_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / uuid.uuid4().hex


def too_large() -> ImportFileError:
    return ImportFileError(_("The file is larger than %(mb)s MB. Split it into smaller files and import each one.",
                             mb=MAX_BYTES // (1024 * 1024)), status_code=413)


def _check_header(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    # A CSV's header is in its first bytes; a workbook must be read whole.
    sheet = read_sheet(path.read_bytes() if head.startswith(b"PK") else head)
    if "sku" not in {column_name(c) for c in sheet.header}:
        raise ImportFileError(_("The first row must name the columns, including sku. Columns: %(columns)s.",
                                columns=", ".join(COLUMNS)))


async def start_import(tenant: Tenant, path: Path) -> int:
    """Check the stored upload looks like a catalog file, then start the import job; its id."""
    try:
        await asyncio.to_thread(_check_header, path)
    except ImportFileError:
        await asyncio.to_thread(path.unlink, True)
        raise
    row = await jobs.start(tenant, tasks.import_catalog, deferred("Catalog import"), timeout=3600, retries=2,
                           path=str(path), actor_id=tenant.actor.user_id)
    return row.id


async def recent_imports(tenant: Tenant, limit: int = 10) -> list[dict]:
    """The organisation's latest imports with their counts (from the job's stored outcome)."""
    rows = [r for r in await jobs.recent(tenant, limit=200) if r["kind"] == TASK][:limit]
    for r in rows:
        result = r.get("result") or {}
        if isinstance(result, str):
            result = json.loads(result or "{}")
        r["outcome"] = result
        r["has_report"] = await asyncio.to_thread(report_path(tenant.organization_id, r["id"]).is_file)
    return rows


def error_report(tenant: Tenant, import_id: int) -> Path:
    """The error report of one of this organisation's imports, or NotFound (also for another's)."""
    try:
        path = report_path(tenant.organization_id, int(import_id))
    except (TypeError, ValueError):
        raise NotFound(_("No error report for this import.")) from None
    if not path.is_file():
        raise NotFound(_("No error report for this import."))
    return path
