"""Labels for many orders at once (up to 500 ticked in the queue) as one background job: every
marketplace order's official label fetched from its platform, every website or manual order's own
label drawn, all merged into ONE PDF the person downloads when the job is done. Orders that get
no label are listed with the reason.

The merged file and its report live in the organisation's folder under VAR_DIR (like catalog
import reports), named after the job: whoever may see the job may download its file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.core import tasks
from app.core.clock import utcnow
from app.core.errors import NotFound
from app.core.i18n import _, deferred_plural
from app.core.tenancy import Tenant
from app.domains import jobs, orders
from app.domains.fulfillment import documents, marketplace_labels
from app.domains.fulfillment.bulk import MAX_IDS, label_orders
from app.domains.fulfillment.pdf_drawing import merge, page_count
from app.domains.fulfillment.statuses import LabelSize
from app.settings import get_settings

Progress = Callable[[int, int, int], Awaitable[None]]  # done, total, errors


def labels_dir(organization_id: int) -> Path:
    return get_settings().var_dir / "labels" / str(int(organization_id))


def labels_path(organization_id: int, background_job_id: int) -> Path:
    return labels_dir(organization_id) / f"labels-{int(background_job_id)}.pdf"


def report_path(organization_id: int, background_job_id: int) -> Path:
    return labels_dir(organization_id) / f"labels-{int(background_job_id)}.json"


async def start(tenant: Tenant, order_ids: list[int], size: LabelSize | None = None) -> int:
    """Start the labels job for the chosen orders (at most MAX_IDS); the background job's id."""
    ids = list(dict.fromkeys(int(i) for i in order_ids))[:MAX_IDS]
    size = size or await documents.label_size_of(tenant)
    row = await jobs.start(tenant, tasks.print_labels,
                           deferred_plural("Labels for %(n)s order", "Labels for %(n)s orders", len(ids)),
                           timeout=1800, retries=1, order_ids=ids, size=size.value)
    return row.id


@dataclass(slots=True)
class LabelRun:
    """What a labels job produced: pages in the file, labels printed, orders refused (number, reason)."""

    pages: int = 0
    printed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)


async def run(tenant: Tenant, background_job_id: int, order_ids: list[int], size: LabelSize,
              progress: Progress | None = None, *, poll: float = marketplace_labels.POLL_SECONDS) -> dict[str, Any]:
    """The job's body: fetch and draw every label, merge them in the order chosen, store the file
    and its report. Returns the counts the job list shows."""
    total = len(order_ids)
    found = {o.id: o for o in await label_orders(tenant, order_ids)}
    placed = {o.id: o for o in await orders.warehouse_orders(tenant, order_ids or [-1])}
    numbers = {i: o.platform_order_id for i, o in placed.items()}
    stores = {i: o.store for i, o in placed.items() if i in found}
    market_stores = {i: s for i, s in stores.items() if s is not None}
    failures: dict[int, str] = {}
    for order_id in order_ids:
        if order_id not in found:
            failures[order_id] = _("cancelled: no label") if order_id in numbers else _("not found")
    own = [found[i] for i in order_ids if i in found and stores.get(i) is None]
    market = [marketplace_labels.MarketplaceOrder(i, found[i].platform_order_id, market_stores[i])
              for i in order_ids if i in found and i in market_stores]
    done = len(failures) + len(own)

    async def settled(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            await progress(done, total, len(failures))

    blocks: list[tuple[list[int], bytes]] = []
    if own:
        blocks.append(([o.id for o in own], await documents.own_labels_pdf(tenant, own, size)))
    if progress:
        await progress(done, total, len(failures))
    if market:
        fetched = await marketplace_labels.fetch_official(tenant, market, on_done=settled, poll=poll)
        failures.update(fetched.failures)
        blocks.extend(fetched.blocks)
    position = {order_id: i for i, order_id in enumerate(order_ids)}
    blocks.sort(key=lambda block: min(position[i] for i in block[0]))
    result = LabelRun(printed=sum(len(ids) for ids, _pdf in blocks), failures=[
        {"order": numbers.get(order_id, str(order_id)), "reason": reason}
        for order_id, reason in sorted(failures.items(), key=lambda item: position.get(item[0], 0))])
    if blocks:
        pdf = await asyncio.to_thread(merge, [data for _ids, data in blocks])
        result.pages = await asyncio.to_thread(page_count, pdf)
        await asyncio.to_thread(_write, labels_path(tenant.organization_id, background_job_id), pdf)
    report = {"pages": result.pages, "printed": result.printed, "failures": result.failures}
    await asyncio.to_thread(_write, report_path(tenant.organization_id, background_job_id),
                            json.dumps(report).encode())
    if progress:
        await progress(total, total, len(failures))
    return {"sent": result.printed, "failed": len(failures), "pages": result.pages}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(path)


@dataclass(frozen=True, slots=True)
class LabelJob:
    """A labels job as its page shows it: progress, and once done the file and the refused orders."""

    progress: Any  # app.domains.jobs' Progress
    ready: bool
    pages: int
    printed: int
    failures: list[dict[str, str]]


async def label_job(tenant: Tenant, job_id: int) -> LabelJob:
    """The job's progress and outcome; NotFound for another organisation's job."""
    progress = await jobs.progress(tenant, job_id)
    report = await asyncio.to_thread(_report, report_path(tenant.organization_id, job_id))
    ready = bool(report) and await asyncio.to_thread(labels_path(tenant.organization_id, job_id).is_file)
    return LabelJob(progress, ready, int(report.get("pages", 0)), int(report.get("printed", 0)),
                    list(report.get("failures", [])))


def _report(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}


def _remove_files_older_than(root: Path, cutoff: float) -> int:
    removed = 0
    if not root.is_dir():
        return 0
    for path in root.glob("*/labels-*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another clean-up got there first
            continue
    return removed


async def remove_old_files() -> int:
    """Delete generated labels files (PDF and report) older than LABELS_KEEP_DAYS, every organisation's;
    how many were deleted. The age is read against ``utcnow()``, so a test moves the clock, not the files."""
    settings = get_settings()
    cutoff = (utcnow() - timedelta(days=settings.labels_keep_days)).timestamp()
    return await asyncio.to_thread(_remove_files_older_than, settings.var_dir / "labels", cutoff)


async def labels_file(tenant: Tenant, job_id: int) -> Path:
    """The merged PDF of one of this organisation's labels jobs; NotFound until it exists."""
    await jobs.progress(tenant, job_id)  # NotFound for another organisation's job
    path = labels_path(tenant.organization_id, job_id)
    if not await asyncio.to_thread(path.is_file):
        raise NotFound(_("The labels file is not ready."))
    return path
