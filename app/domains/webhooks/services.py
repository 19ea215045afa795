"""Outbound webhooks: the seller's endpoints, publishing an event to them, and delivering it.

An event becomes one WebhookDelivery row per subscribed active endpoint (its body fixed once), and
a job POSTs it after the commit, signed with the endpoint's secret. A failure waits for the next
step of RETRY_DELAYS (about a day in all), then the delivery gives up; an endpoint failing
DISABLE_AFTER times in a row is disabled and the organisation notified. Every attempt is a row of
the endpoint's log. No network I/O inside a transaction: DNS and the POST happen in the job.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import httpx

from app.core import tasks
from app.core.clock import utcnow
from app.core.database import after_commit, transaction
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import N_, _, deferred
from app.core.queue import get_queue, job_options, task_job
from app.core.records import from_rows
from app.core.redis import per_event_loop
from app.core.secrets import decrypt, encrypt
from app.core.tenancy import Tenant
from app.domains import audit, notifications
from app.domains.webhooks import signing, targets
from app.domains.webhooks.statuses import SUBSCRIBABLE, DeliveryStatus, WebhookEventType
from app.domains.webhooks.tables import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.settings import get_settings

log = logging.getLogger(__name__)

# After the n-th failed attempt, wait RETRY_DELAYS[n-1]; after the last, give up (~23.6 h in all).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=6), timedelta(hours=15))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER = 15  # failed attempts in a row (over any of its deliveries) that disable an endpoint
LEASE = timedelta(minutes=2)  # a job that took a delivery has this long before another may take it
MAX_ENDPOINTS = 10
USER_AGENT = "StoreSync-Webhooks/1"


# -- endpoints -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EndpointRow:
    """An endpoint as the settings page lists it (never its secret)."""

    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    disabled_reason: str
    failure_streak: int
    created_at: datetime


def _events(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return [str(v) for v in value or []]


async def _check(tenant: Tenant, url: str, events: list[str]) -> None:
    errors: dict[str, str] = {}
    try:
        await targets.resolve(url)  # DNS before any transaction: the save-time SSRF check
    except targets.UnsafeTarget as exc:
        errors["url"] = str(exc)
    unknown = [e for e in events if e not in {t.value for t in SUBSCRIBABLE}]
    if not events or unknown:
        errors["events"] = _("Choose at least one event to send.") if not events else _("Unknown event type.")
    if errors:
        raise ValidationFailed(errors)


async def list_endpoints(tenant: Tenant) -> list[EndpointRow]:
    rows = await tenant.scoped(WebhookEndpoint).select(
        WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.description, WebhookEndpoint.events,
        WebhookEndpoint.active, WebhookEndpoint.disabled_reason, WebhookEndpoint.failure_streak,
        WebhookEndpoint.created_at).order_by(WebhookEndpoint.id)
    return [EndpointRow(**{**r, "events": _events(r["events"])}) for r in rows]


async def get_endpoint(tenant: Tenant, endpoint_id: int) -> EndpointRow:
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    return EndpointRow(id=row.id, url=row.url, description=row.description, events=_events(row.events),
                       active=row.active, disabled_reason=row.disabled_reason, failure_streak=row.failure_streak,
                       created_at=row.created_at)


async def create_endpoint(tenant: Tenant, *, url: str, description: str, events: list[str]) -> tuple[int, str]:
    """Add an endpoint (URL checked against SSRF after resolving it); returns its id and its new
    secret, which the page shows once (it can be revealed again by a manager)."""
    await _check(tenant, url, events)
    if await tenant.scoped(WebhookEndpoint).count() >= MAX_ENDPOINTS:
        raise Conflict(_("An organisation has at most %(n)s webhook endpoints.", n=MAX_ENDPOINTS))
    secret = signing.new_secret()
    row = tenant.scoped(WebhookEndpoint).new(url=url.strip(), description=description.strip()[:200],
                                             events=sorted(set(events)), secret=encrypt(secret))
    await row.save()
    _endpoints_changed()
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.endpoint_created", "webhook_endpoint", row.id,
                       after={"url": row.url, "events": sorted(set(events))})
    return row.id, secret


async def update_endpoint(tenant: Tenant, endpoint_id: int, *, url: str, description: str, events: list[str],
                          active: bool) -> None:
    """Change an endpoint; turning it on again clears its failure streak."""
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    await _check(tenant, url, events)
    values: dict[Any, Any] = {WebhookEndpoint.url: url.strip(), WebhookEndpoint.description: description.strip()[:200],
                              WebhookEndpoint.events: sorted(set(events)), WebhookEndpoint.active: active,
                              WebhookEndpoint.updated_at: utcnow()}
    if active and not row.active:
        values |= {WebhookEndpoint.failure_streak: 0, WebhookEndpoint.disabled_reason: ""}
    await tenant.scoped(WebhookEndpoint).update(values).where(WebhookEndpoint.id == row.id)
    _endpoints_changed()
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.endpoint_updated", "webhook_endpoint", row.id,
                       before={"url": row.url, "events": _events(row.events), "active": row.active},
                       after={"url": url.strip(), "events": sorted(set(events)), "active": active})


async def delete_endpoint(tenant: Tenant, endpoint_id: int) -> None:
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    async with transaction():
        await tenant.scoped(WebhookAttempt).delete().where(WebhookAttempt.endpoint == row.id)
        await tenant.scoped(WebhookDelivery).delete().where(WebhookDelivery.endpoint == row.id)
        await tenant.scoped(WebhookEndpoint).delete().where(WebhookEndpoint.id == row.id)
    _endpoints_changed()
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.endpoint_deleted", "webhook_endpoint", row.id,
                       before={"url": row.url})


async def reveal_secret(tenant: Tenant, endpoint_id: int) -> str:
    """The endpoint's signing secret (a manager asked to see it; audited, never logged)."""
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.secret_revealed", "webhook_endpoint", row.id)
    return decrypt(row.secret)


async def rotate_secret(tenant: Tenant, endpoint_id: int) -> str:
    """A new signing secret: deliveries from now on are signed with it. Returns it (shown once)."""
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    secret = signing.new_secret()
    await tenant.scoped(WebhookEndpoint).update({WebhookEndpoint.secret: encrypt(secret),
                                                 WebhookEndpoint.updated_at: utcnow()}).where(
        WebhookEndpoint.id == row.id)
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.secret_rotated", "webhook_endpoint", row.id)
    return secret


# -- publishing ------------------------------------------------------------------------------

def payload(event_type: str, data: dict[str, Any], *, event_id: str | None = None,
            created_at: datetime | None = None) -> tuple[str, str]:
    """(event id, JSON body) of an event: {"id", "type", "created_at", "data"}."""
    event_id = event_id or str(uuid.uuid4())
    body = json.dumps({"id": event_id, "type": event_type, "created_at": (created_at or utcnow()).isoformat(),
                       "data": data}, separators=(",", ":"), ensure_ascii=False, default=str)
    return event_id, body


async def publish(organization_id: int, event_type: str, data: dict[str, Any]) -> list[int]:
    """One delivery of this event per active endpoint of the organisation that subscribes to it,
    delivered by a job after the commit. Returns the deliveries' ids (none: nobody listens)."""
    endpoints = await WebhookEndpoint.select(WebhookEndpoint.id, WebhookEndpoint.events).where(
        (WebhookEndpoint.organization == organization_id) & (WebhookEndpoint.active == True))  # noqa: E712
    wanted = [r["id"] for r in endpoints if event_type in _events(r["events"])]
    if not wanted:
        return []
    event_id, body = payload(event_type, data)
    return await _insert(organization_id, [(endpoint_id, event_id, event_type, body, None) for endpoint_id in wanted])


# One request (or job) often publishes several event types after one commit (a website order: the
# order and the stock it reserved); they share one read of the endpoints. The memo lives in the
# caller's context, so it never outlives the request or job that read it by more than MEMO_SECONDS,
# and any change of an endpoint in this process (`_endpoints_changed`) makes it stale at once.
MEMO_SECONDS = 1.0
_endpoint_generation = 0
_endpoint_memo: ContextVar[dict[int, tuple[float, int, list[dict[str, Any]]]] | None] = ContextVar(
    "webhook_endpoint_memo", default=None)


def _endpoints_changed() -> None:
    global _endpoint_generation
    _endpoint_generation += 1


async def _active_endpoints(organizations: list[int]) -> list[dict[str, Any]]:
    """The active endpoints (id, organization, events) of these organisations."""
    memo = _endpoint_memo.get() or {}
    now = time.monotonic()
    missing = [o for o in organizations if (o not in memo or memo[o][0] < now or memo[o][1] != _endpoint_generation)]
    if missing:
        generation = _endpoint_generation
        rows = await WebhookEndpoint.select(WebhookEndpoint.id, WebhookEndpoint.organization,
                                            WebhookEndpoint.events).where(
            WebhookEndpoint.organization.is_in(missing) & (WebhookEndpoint.active == True))  # noqa: E712
        # a new dict, never the one read: a context's memo is never changed by the tasks it started
        memo = {**memo, **{organization_id: (now + MEMO_SECONDS, generation,
                                              [r for r in rows if r["organization"] == organization_id])
                           for organization_id in missing}}
        _endpoint_memo.set(memo)
    return [r for o in organizations for r in memo[o][2]]


async def publish_many(event_type: str, events: list[tuple[int, dict[str, Any]]]) -> list[int]:
    """`publish` for a burst of (organisation id, data) events of one type: one endpoint lookup and
    one insert however many events."""
    organizations = sorted({organization_id for organization_id, _ in events})
    if not organizations:
        return []
    endpoints = await _active_endpoints(organizations)
    wanted: dict[int, list[int]] = {}
    for row in endpoints:
        if event_type in _events(row["events"]):
            wanted.setdefault(row["organization"], []).append(row["id"])
    ids: list[int] = []
    for organization_id, data in events:
        if organization_id not in wanted:
            continue
        event_id, body = payload(event_type, data)
        ids += await _insert(organization_id, [(endpoint_id, event_id, event_type, body, None)
                                               for endpoint_id in wanted[organization_id]])
    return ids


async def _insert(organization_id: int, rows: list[tuple[int, str, str, str, int | None]]) -> list[int]:
    inserted = await WebhookDelivery.insert(*[
        WebhookDelivery(organization=organization_id, endpoint=endpoint_id, event_id=event_id, event_type=event_type,
                        body=body, replay_of=replay_of, next_attempt_at=utcnow())
        for endpoint_id, event_id, event_type, body, replay_of in rows]).returning(WebhookDelivery.id)
    ids = [r["id"] for r in inserted]
    for delivery_id in ids:
        await after_commit(functools.partial(enqueue_delivery, delivery_id, 0))
    return ids


async def enqueue_delivery(delivery_id: int, attempt: int) -> None:
    await get_queue().enqueue(task_job(tasks.deliver_webhook, key=f"webhook:{delivery_id}:{attempt}",
                                       **job_options(timeout=60, retries=0))(delivery_id=delivery_id))


async def send_ping(tenant: Tenant, endpoint_id: int) -> int:
    """A test event (webhook.ping) to this endpoint, whatever it subscribes to."""
    row = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    event_id, body = payload(WebhookEventType.PING, {"endpoint_id": row.id})
    return (await _insert(tenant.organization_id, [(row.id, event_id, WebhookEventType.PING, body, None)]))[0]


async def replay(tenant: Tenant, delivery_id: int) -> int:
    """Send a delivery again by hand: a new delivery with the same event id and body (receivers
    deduplicate on the id), signed afresh. Refused while its endpoint is off."""
    row = await tenant.scoped(WebhookDelivery).get(delivery_id, _("Delivery not found."))
    endpoint = await tenant.scoped(WebhookEndpoint).get(row.endpoint, _("Webhook endpoint not found."))
    if not endpoint.active:
        raise Conflict(_("Turn the endpoint on before replaying its deliveries."))
    new_id = (await _insert(tenant.organization_id, [(endpoint.id, row.event_id, row.event_type, row.body, row.id)]))[0]
    await audit.record(tenant.organization_id, tenant.actor, "webhooks.replayed", "webhook_endpoint", endpoint.id,
                       after={"event": row.event_id, "delivery": new_id})
    return new_id


# -- delivering ------------------------------------------------------------------------------

@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after `attempts` failed attempts; None: give up."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


async def deliver_due(delivery_ids: list[int] | None = None, *, limit: int = 100) -> DeliveryReport:
    """Attempt every pending delivery that is due (these ids, or any), one at a time."""
    report = DeliveryReport()
    query = WebhookDelivery.select(WebhookDelivery.id).where(
        (WebhookDelivery.status == DeliveryStatus.PENDING) & (WebhookDelivery.next_attempt_at <= utcnow()))
    if delivery_ids is not None:
        query = query.where(WebhookDelivery.id.is_in(list(delivery_ids) or [-1]))
    for row in await query.order_by(WebhookDelivery.id).limit(limit):
        outcome = await deliver(row["id"])
        if outcome == "delivered":
            report.delivered += 1
        elif outcome == "gave_up":
            report.gave_up += 1
        elif outcome == "failed":
            report.failed += 1
    return report


async def deliver(delivery_id: int) -> str:
    """One attempt of a due pending delivery (claimed first, so two jobs never both send it):
    "delivered", "failed" (a retry is scheduled), "gave_up", or "skipped" (not due, or taken)."""
    now = utcnow()
    claimed = await WebhookDelivery.update({WebhookDelivery.next_attempt_at: now + LEASE}).where(
        (WebhookDelivery.id == delivery_id) & (WebhookDelivery.status == DeliveryStatus.PENDING)
        & (WebhookDelivery.next_attempt_at <= now)).returning(
        WebhookDelivery.id, WebhookDelivery.organization, WebhookDelivery.endpoint, WebhookDelivery.body,
        WebhookDelivery.attempts, WebhookDelivery.event_id, WebhookDelivery.event_type)
    if not claimed:
        return "skipped"
    delivery = claimed[0]
    endpoint = await WebhookEndpoint.select().where(WebhookEndpoint.id == delivery["endpoint"]).first()
    if endpoint is None or not endpoint["active"]:
        await WebhookDelivery.update({WebhookDelivery.status: DeliveryStatus.GAVE_UP,
                                      WebhookDelivery.last_error: "endpoint is off"}).where(
            WebhookDelivery.id == delivery_id)
        return "gave_up"
    status_code, latency_ms, error = await _post(endpoint, delivery)
    await WebhookAttempt.insert(WebhookAttempt(
        organization=delivery["organization"], delivery=delivery_id, endpoint=endpoint["id"], status_code=status_code,
        latency_ms=latency_ms, error=error[:500], attempted_at=utcnow()))
    attempts = delivery["attempts"] + 1
    if status_code is not None and 200 <= status_code < 300:
        await WebhookDelivery.update({
            WebhookDelivery.status: DeliveryStatus.DELIVERED, WebhookDelivery.attempts: attempts,
            WebhookDelivery.last_status_code: status_code, WebhookDelivery.last_latency_ms: latency_ms,
            WebhookDelivery.last_error: "", WebhookDelivery.delivered_at: utcnow()}).where(
            WebhookDelivery.id == delivery_id)
        await WebhookEndpoint.update({WebhookEndpoint.failure_streak: 0}).where(
            (WebhookEndpoint.id == endpoint["id"]) & (WebhookEndpoint.failure_streak != 0))
        return "delivered"
    delay = retry_delay(attempts)
    await WebhookDelivery.update({
        WebhookDelivery.status: DeliveryStatus.GAVE_UP if delay is None else DeliveryStatus.PENDING,
        WebhookDelivery.attempts: attempts, WebhookDelivery.last_status_code: status_code,
        WebhookDelivery.last_latency_ms: latency_ms, WebhookDelivery.last_error: error[:500],
        WebhookDelivery.next_attempt_at: utcnow() + (delay or timedelta(0))}).where(WebhookDelivery.id == delivery_id)
    log.info("webhook delivery %s to endpoint %s failed (attempt %d): %s", delivery_id, endpoint["id"], attempts,
             error or status_code)
    await _count_failure(endpoint)
    return "gave_up" if delay is None else "failed"


async def _post(endpoint: dict[str, Any], delivery: dict[str, Any]) -> tuple[int | None, int, str]:
    """POST the body signed now; (status code or None, latency in ms, error sentence)."""
    started = time.perf_counter()
    try:
        target = await targets.resolve(endpoint["url"])  # again at delivery time: DNS may have changed
    except targets.UnsafeTarget as exc:
        return None, 0, f"refused: {exc}"
    body = delivery["body"].encode()
    timestamp = int(utcnow().timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, "Host": _host_header(target),
               signing.HEADER: signing.header_value(decrypt(endpoint["secret"]), timestamp, body),
               "StoreSync-Event-Id": delivery["event_id"], "StoreSync-Event-Type": delivery["event_type"]}
    extensions = {"sni_hostname": target.host} if target.url.lower().startswith("https") else {}
    try:
        response = await _client(target.host).post(target.connect_url(), content=body, headers=headers, extensions=extensions)
    except httpx.HTTPError as exc:
        return None, _ms(started), f"{type(exc).__name__}: {exc}"[:300]
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return response.status_code, _ms(started), error


@per_event_loop
def _client(host: str) -> httpx.AsyncClient:
    """One pooled client per host name and event loop (building one per POST cost more than the
    POST: its TLS context). Per host name, because the pool is keyed by the address connected to,
    and a TLS connection made for one name must never carry another's request. It follows no
    redirect: a 3xx is a failure, never a hop to an unchecked address."""
    return httpx.AsyncClient(timeout=get_settings().webhooks_timeout_seconds, follow_redirects=False,
                             limits=httpx.Limits(max_connections=50, max_keepalive_connections=20))


def _host_header(target: targets.Target) -> str:
    from urllib.parse import urlsplit

    port = urlsplit(target.url).port
    return f"{target.host}:{port}" if port else target.host


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


async def _count_failure(endpoint: dict[str, Any]) -> None:
    updated = await WebhookEndpoint.update({WebhookEndpoint.failure_streak: WebhookEndpoint.failure_streak + 1}).where(
        WebhookEndpoint.id == endpoint["id"]).returning(WebhookEndpoint.failure_streak)
    if not updated or updated[0]["failure_streak"] < DISABLE_AFTER:
        return
    reason = deferred(N_("Disabled after %(n)s failed deliveries in a row."), n=DISABLE_AFTER)
    disabled = await WebhookEndpoint.update({WebhookEndpoint.active: False, WebhookEndpoint.disabled_reason: reason,
                                             WebhookEndpoint.updated_at: utcnow()}).where(
        (WebhookEndpoint.id == endpoint["id"]) & (WebhookEndpoint.active == True)).returning(  # noqa: E712
        WebhookEndpoint.id)
    _endpoints_changed()
    if not disabled:
        return
    tenant = Tenant(endpoint["organization"])
    await WebhookDelivery.update({WebhookDelivery.status: DeliveryStatus.GAVE_UP,
                                  WebhookDelivery.last_error: "endpoint disabled"}).where(
        (WebhookDelivery.endpoint == endpoint["id"]) & (WebhookDelivery.status == DeliveryStatus.PENDING))
    await notifications.notify(tenant, "webhook_disabled", deferred(
        N_("The webhook endpoint %(url)s was disabled after %(n)s failed deliveries in a row. Fix it, then turn it "
           "on again."), url=endpoint["url"][:200], n=DISABLE_AFTER),
        link="/settings/webhooks/", dedupe_key=f"webhook-disabled:{endpoint['id']}:{int(utcnow().timestamp())}")
    log.warning("webhook endpoint %s disabled after %d failures in a row", endpoint["id"], DISABLE_AFTER)


async def sweep(limit: int = 500) -> int:
    """Enqueue a delivery job for every due pending delivery (its retry is due, or its job was lost)."""
    rows = await WebhookDelivery.select(WebhookDelivery.id, WebhookDelivery.attempts).where(
        (WebhookDelivery.status == DeliveryStatus.PENDING) & (WebhookDelivery.next_attempt_at <= utcnow())).order_by(
        WebhookDelivery.id).limit(limit)
    for row in rows:
        await enqueue_delivery(row["id"], row["attempts"])
    return len(rows)


# -- the log ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """A line of an endpoint's delivery log."""

    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str
    replay_of: int | None
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime


async def delivery_log(tenant: Tenant, endpoint_id: int, *, limit: int = 50) -> list[DeliveryRow]:
    """The endpoint's newest deliveries (NotFound for another organisation's endpoint)."""
    endpoint = await tenant.scoped(WebhookEndpoint).get(endpoint_id, _("Webhook endpoint not found."))
    rows = await tenant.scoped(WebhookDelivery).select(
        *(getattr(WebhookDelivery, f.name) for f in fields(DeliveryRow))).where(
        WebhookDelivery.endpoint == endpoint.id).order_by(WebhookDelivery.id, ascending=False).limit(limit)
    return from_rows(DeliveryRow, rows)


@dataclass(frozen=True, slots=True)
class AttemptRow:
    status_code: int | None
    latency_ms: int
    error: str
    attempted_at: datetime


async def attempts_of(tenant: Tenant, delivery_id: int) -> tuple[dict[str, Any], list[AttemptRow]]:
    """A delivery (with its body) and its attempts, oldest first."""
    row = await tenant.scoped(WebhookDelivery).get(delivery_id, _("Delivery not found."))
    attempts = await tenant.scoped(WebhookAttempt).select(
        WebhookAttempt.status_code, WebhookAttempt.latency_ms, WebhookAttempt.error, WebhookAttempt.attempted_at).where(
        WebhookAttempt.delivery == row.id).order_by(WebhookAttempt.id)
    return row.to_dict(), from_rows(AttemptRow, attempts)
