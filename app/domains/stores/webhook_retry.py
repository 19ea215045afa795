"""Webhook events that could not be processed: counted, retried by a sweep with backoff, listed
for the seller, and retried by hand.

The job that processes an event (``process_webhook``) records each failed attempt here: the
count, why (in a seller's words) and when the sweep may try again. The sweep cron also picks up
events whose job was never enqueued (the process died between storing and enqueueing), so no
stored event stays unprocessed for ever without anybody seeing it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from saq.job import Job

from app.core import tasks
from app.core.clock import utcnow
from app.core.i18n import N_, _, read
from app.core.queue import get_queue, job_options, task_job
from app.core.records import from_row, from_rows
from app.core.tenancy import Tenant
from app.domains.stores.tables import WebhookEventRecord
from app.integrations.errors import AuthError, IntegrationError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # then it stays on the seller's list until retried by hand
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LOST_AFTER = timedelta(minutes=2)  # never attempted this long after arriving: its enqueue was lost
SWEEP_BATCH = 200

REASONS = {
    "unreachable": N_("The marketplace did not answer. StoreSync will try again."),
    "auth": N_("The store's connection has expired. Reconnect the store, then retry."),
    "refused": N_("The marketplace refused the request for this notification."),
    "internal": N_("StoreSync could not process this notification. It will try again."),
}
KIND_LABELS = {
    "order_status": N_("Order update"),
    "tracking": N_("Tracking update"),
    "shop_authorized": N_("Shop authorized"),
    "deauthorized": N_("Access cancelled"),
    "authorization_expiring": N_("Authorization expiring"),
    "product": N_("Product update"),
    "inventory": N_("Stock update"),
    "other": N_("Other notification"),
}


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def _reason(error: BaseException) -> str:
    if isinstance(error, asyncio.CancelledError | TimeoutError):  # the job's timeout
        return REASONS["unreachable"]
    if isinstance(error, AuthError):
        return REASONS["auth"]
    if isinstance(error, IntegrationError):
        return REASONS["unreachable"] if error.retryable else REASONS["refused"]
    return REASONS["internal"]


async def record_failure(event_id: int, error: BaseException) -> int:
    """An attempt to process the event failed: count it, keep why, and set when the sweep may try
    again (backoff). Returns the attempts so far."""
    row = await WebhookEventRecord.select(WebhookEventRecord.attempts).where(WebhookEventRecord.id == event_id).first()
    if row is None:
        return 0
    attempts = int(row["attempts"] or 0) + 1
    await WebhookEventRecord.update({
        WebhookEventRecord.attempts: attempts, WebhookEventRecord.last_error: _reason(error),
        WebhookEventRecord.next_attempt_at: utcnow() + retry_delay(attempts),
    }).where(WebhookEventRecord.id == event_id)
    log.warning("webhook event %s failed (attempt %d): %s", event_id, attempts, type(error).__name__)
    return attempts


def _job(event_id: int, key: str) -> Job:
    # One attempt per job: the sweep is the retry, with its own backoff.
    return task_job(tasks.process_webhook, key=key, **job_options(timeout=300, retries=1))(event_id=event_id)


@dataclass(frozen=True, slots=True)
class DueEvent:
    """A webhook event whose next processing attempt is due."""

    id: int
    attempts: int


@dataclass(frozen=True, slots=True)
class FailedEvent:
    """A webhook event that failed at least once, as a seller reads it on the sync page."""

    id: int
    kind: str
    kind_label: str
    received_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    store_name: str | None
    due: bool
    reason: str
    order_number: str
    gave_up: bool


async def due_for_retry(now: datetime | None = None) -> list[DueEvent]:
    """Unprocessed events whose next attempt is due, or that were never attempted (lost enqueue)."""
    now = now or utcnow()
    waiting = WebhookEventRecord.processed_at.is_null()
    failed = ((WebhookEventRecord.attempts > 0) & (WebhookEventRecord.attempts < MAX_ATTEMPTS)
              & (WebhookEventRecord.next_attempt_at <= now))
    lost = (WebhookEventRecord.attempts == 0) & (WebhookEventRecord.received_at <= now - LOST_AFTER)
    return from_rows(DueEvent, await WebhookEventRecord.select(WebhookEventRecord.id, WebhookEventRecord.attempts).where(
        waiting & (failed | lost)).order_by(WebhookEventRecord.id).limit(SWEEP_BATCH))


async def sweep(now: datetime | None = None) -> int:
    """Enqueue one processing job per due event (keyed by its attempt, so sweeps that overlap
    enqueue it once). Returns how many were enqueued."""
    enqueued = 0
    for row in await due_for_retry(now):
        job = await get_queue().enqueue(_job(row.id, f"webhook-retry:{row.id}:{row.attempts}"))
        enqueued += job is not None
    return enqueued


async def failed_events(tenant: Tenant, limit: int = 50) -> list[FailedEvent]:
    """The organisation's events that failed at least once and are still unprocessed, newest first,
    with what a seller needs to read them (store, kind, order number, reason, next try)."""
    rows = await tenant.scoped(WebhookEventRecord).select(
        WebhookEventRecord.id, WebhookEventRecord.kind, WebhookEventRecord.received_at, WebhookEventRecord.attempts,
        WebhookEventRecord.next_attempt_at, WebhookEventRecord.last_error, WebhookEventRecord.payload,
        WebhookEventRecord.store.name.as_alias("store_name"),
    ).where(WebhookEventRecord.processed_at.is_null() & (WebhookEventRecord.attempts > 0)).order_by(
        WebhookEventRecord.id, ascending=False).limit(limit)
    now = utcnow()
    return [from_row(FailedEvent, row, kind_label=_(KIND_LABELS.get(row["kind"], KIND_LABELS["other"])),
                     due=row["next_attempt_at"] is not None and row["next_attempt_at"] <= now,
                     reason=read(row["last_error"]) if row["last_error"] else "",
                     order_number=_order_number(row["payload"]), gave_up=row["attempts"] >= MAX_ATTEMPTS)
            for row in rows]


def _order_number(payload: Any) -> str:
    data = json.loads(payload) if isinstance(payload, str) else (payload or {})
    if not isinstance(data, dict):
        return ""
    value = data.get("ordersn") or data.get("order_sn") or data.get("order_id")
    return str(value) if value else ""


async def retry_now(tenant: Tenant, event_id: int) -> bool:
    """Process one of the organisation's events again now (NotFound for another's). False when it
    was processed meanwhile (nothing to do)."""
    row = await tenant.scoped(WebhookEventRecord).get(event_id, _("Notification not found."))
    if row.processed_at is not None:
        return False
    await tenant.scoped(WebhookEventRecord).update({WebhookEventRecord.next_attempt_at: utcnow()}).where(
        WebhookEventRecord.id == row.id)
    await get_queue().enqueue(_job(row.id, f"webhook-retry:{row.id}:{row.attempts}:manual"))
    return True

