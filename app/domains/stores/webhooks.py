"""Marketplace notifications: verify, store once, hand to a job; and the job's first steps.

A webhook arrives before any tenant is known: the shop id in the verified body names the store
(and so the organisation). Rows here are written by the system, never by a person.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core import tasks
from app.core.clock import utcnow
from app.core.i18n import _
from app.core.queue import get_queue, job_options, task_job
from app.core.tenancy import Actor, Tenant
from app.domains.stores import services
from app.domains.stores.adapters import open_adapter
from app.domains.stores.statuses import StoreStatus
from app.domains.stores.tables import Store, WebhookEventRecord
from app.integrations.base import EventKind, Platform, WebhookEvent
from app.integrations.errors import WebhookRejected
from app.settings import get_settings

log = logging.getLogger(__name__)

# The window a notification's own timestamp must fall in. The platforms resend an undelivered push
# for up to three days (Shopee keeps lost pushes that long), so anything older is a replay, not a
# retry; a few minutes ahead covers clock skew. Within the window the dedupe key catches replays.
# What to do with a marketplace's "this order changed" notification: the orders domain fetches it,
# registered by app.wiring (stores imports no orders): (tenant, store id, order number) -> outcome.
OrderNotified = Callable[[Tenant, int, str], Awaitable[str]]
_order_notified: OrderNotified | None = None


def on_order_notified(handler: OrderNotified) -> None:
    global _order_notified
    _order_notified = handler


MAX_AGE = timedelta(hours=72, minutes=10)
MAX_AHEAD = timedelta(minutes=5)


def webhook_url(platform: Platform) -> str:
    """The public URL the marketplace posts to (Shopee signs it, so it must be the configured one,
    not whatever a proxy made of the request URL)."""
    return f"{get_settings().base_url.rstrip('/')}/webhooks/{platform.value}"


@dataclass(frozen=True, slots=True)
class Receipt:
    event_id: int | None
    duplicate: bool


async def receive(platform: Platform, *, headers: dict[str, str], body: bytes,
                  clock: Callable[[], datetime] = utcnow) -> Receipt:
    """Verify a notification, store it once by its dedupe key and enqueue ``process_webhook``.

    Raises ``integrations.errors.WebhookRejected`` for a bad signature or shape, or a timestamp
    outside [now - MAX_AGE, now + MAX_AHEAD] (nothing stored).
    A duplicate or replay returns ``Receipt(duplicate=True)`` and enqueues nothing.
    """
    async with open_adapter(platform) as adapter:
        event = adapter.verify_webhook(headers=headers, body=body, url=webhook_url(platform))
    _check_timestamp(platform, event.occurred_at, clock())
    store = await Store.select(Store.id, Store.organization).where(
        (Store.platform == platform) & (Store.platform_shop_id == event.shop_id)
        & (Store.status != StoreStatus.DISCONNECTED)
    ).first()
    row = WebhookEventRecord(
        platform=platform, dedupe_key=event.dedupe_key[:200], kind=event.kind.value, code=event.code[:16],
        platform_shop_id=event.shop_id[:64], store=store["id"] if store else None,
        organization=store["organization"] if store else None, payload=_payload(event),
    )
    inserted = await WebhookEventRecord.insert(row).on_conflict(
        target=WebhookEventRecord.dedupe_key, action="DO NOTHING").returning(WebhookEventRecord.id)
    if not inserted:
        log.info("duplicate %s webhook %s ignored", platform, event.dedupe_key)
        return Receipt(None, True)
    event_id = inserted[0]["id"]
    await get_queue().enqueue(task_job(tasks.process_webhook, key=f"webhook:{event.dedupe_key}",
                                       **job_options(timeout=300, retries=5))(event_id=event_id))
    return Receipt(event_id, False)


def _check_timestamp(platform: Platform, occurred_at: datetime | None, now: datetime) -> None:
    if occurred_at is None:
        raise WebhookRejected("notification has no timestamp", platform=platform.value)
    if occurred_at < now - MAX_AGE:
        raise WebhookRejected(f"timestamp {occurred_at:%Y-%m-%d %H:%M:%S} UTC is older than the "
                              f"{int(MAX_AGE.total_seconds() // 3600)} h retry window", platform=platform.value)
    if occurred_at > now + MAX_AHEAD:
        raise WebhookRejected(f"timestamp {occurred_at:%Y-%m-%d %H:%M:%S} UTC is more than "
                              f"{int(MAX_AHEAD.total_seconds() // 60)} min in the future", platform=platform.value)


async def process(event_id: int) -> str:
    """Act on one stored notification once, then mark it processed; returns what was done.

    For now only the authorization events are acted on: a deauthorization marks the store
    needs_reauth. Order, tracking and inventory events are stored and marked processed here;
    fetching and applying their details is the sync engine's job, which will hook in at this point
    (the stored rows keep everything it needs).
    """
    event = await WebhookEventRecord.objects().where(WebhookEventRecord.id == event_id).first()
    if event is None or event.processed_at is not None:
        return "skipped"
    outcome = "recorded"
    if event.kind == EventKind.DEAUTHORIZED and event.store is not None and event.organization is not None:
        tenant = Tenant(event.organization, actor=Actor(None))
        await services.mark_needs_reauth(
            tenant, event.store,
            _("The seller cancelled StoreSync's access on the marketplace. Reconnect the store to sync again."),
            action="store.deauthorized")
        outcome = "needs_reauth"
    elif event.kind == EventKind.ORDER_STATUS and event.store is not None and event.organization is not None:
        order_id = _order_id(event.payload)
        if order_id and _order_notified is None:
            log.warning("order notification %s left unfetched: app.wiring.register_listeners() was not called", event_id)
        elif order_id:
            outcome = await _order_notified(Tenant(event.organization, actor=Actor(None)), event.store, order_id)
    await WebhookEventRecord.update({WebhookEventRecord.processed_at: utcnow()}).where(
        WebhookEventRecord.id == event_id)
    return outcome


def _payload(event: WebhookEvent) -> dict:
    """The notification's data, with the order number the adapter read from it as ``order_id``
    (each platform spells it differently in its body)."""
    payload = dict(event.data)
    if event.order_id:
        payload.setdefault("order_id", event.order_id)
    return payload


def _order_id(payload) -> str | None:
    """The order number in a stored notification (the adapter's ``order_id``; older rows: Shopee's ordersn)."""
    import json

    data = json.loads(payload) if isinstance(payload, str) else (payload or {})
    value = data.get("ordersn") or data.get("order_sn") or data.get("order_id")
    return str(value) if value else None
