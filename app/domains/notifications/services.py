"""Raising and reading notifications."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from app.core.i18n import N_, _, read
from app.core.mail import mail_enabled
from app.core.records import from_row
from app.core.tenancy import Tenant
from app.domains.accounts import is_member
from app.domains.mail import Mail, queue_mails
from app.domains.notifications.tables import Notification, NotificationPreference, NotificationRead
from app.settings import get_settings

log = logging.getLogger(__name__)

KINDS = {
    "new_order": N_("New orders"),
    "late_order": N_("Orders late to ship"),
    "oversold": N_("Oversold orders"),
    "sync_failed": N_("Sync failures"),
    "low_stock": N_("Low stock"),
    "webhook_disabled": N_("Webhook endpoints disabled"),
    "billing": N_("Plan and billing"),
}


async def notify(tenant: Tenant, kind: str, message: str, *, link: str = "", dedupe_key: str = "") -> bool:
    """Add to the organisation's feed (once per dedupe_key) and queue an e-mail to the members who
    asked for this kind by e-mail (the outbox: rows in the caller's transaction, sent by a job
    after it commits). Returns False when it was a duplicate. No network I/O here."""
    if dedupe_key and await tenant.scoped(Notification).exists().where(
            (Notification.dedupe_key == dedupe_key[:120]) & (Notification.kind == kind)):
        return False
    await tenant.scoped(Notification).new(kind=kind, message=message[:1000], link=link[:300],
                                          dedupe_key=dedupe_key[:120]).save()
    if mail_enabled():
        recipients = await tenant.scoped(NotificationPreference).select(
            NotificationPreference.user.email.as_alias("email")).where(
            (NotificationPreference.kind == kind) & (NotificationPreference.email == True))  # noqa: E712
        subject = f"StoreSync: {_(KINDS.get(kind, kind))}"
        body = f"{read(message)}\n\n{get_settings().base_url}{link}"
        await queue_mails([Mail(row["email"], subject, body) for row in recipients],
                          organization_id=tenant.organization_id)
    return True


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A notification in a person's feed; `unread` when newer than what they last read."""

    id: int
    kind: str
    message: str
    link: str
    created_at: datetime
    unread: bool


async def feed(tenant: Tenant, user_id: int, limit: int = 50) -> list[FeedItem]:
    muted = {r["kind"] for r in await tenant.scoped(NotificationPreference).select(NotificationPreference.kind).where(
        (NotificationPreference.user == user_id) & (NotificationPreference.in_app == False))}  # noqa: E712
    rows = await tenant.scoped(Notification).select().order_by(Notification.id, ascending=False).limit(limit)
    last = await _last_read(tenant, user_id)
    return [from_row(FeedItem, r, unread=r["id"] > last) for r in rows if r["kind"] not in muted]


async def _last_read(tenant: Tenant, user_id: int) -> int:
    row = await tenant.scoped(NotificationRead).select(NotificationRead.last_read_id).where(
        NotificationRead.user == user_id).first()
    return int(row["last_read_id"]) if row else 0


async def unread_count(tenant: Tenant, user_id: int) -> int:
    return await tenant.scoped(Notification).count().where(Notification.id > await _last_read(tenant, user_id))


async def mark_read(tenant: Tenant, user_id: int) -> None:
    newest = await tenant.scoped(Notification).select(Notification.id).order_by(Notification.id, ascending=False).first()
    value = str(newest["id"] if newest else 0)
    updated = await tenant.scoped(NotificationRead).update({NotificationRead.last_read_id: value}).where(
        NotificationRead.user == user_id).returning(NotificationRead.id)
    if not updated:
        await tenant.scoped(NotificationRead).new(user=user_id, last_read_id=value).save()


@dataclass(frozen=True, slots=True)
class Preference:
    """How a member wants one kind of notification: in the app, by e-mail."""

    in_app: bool
    email: bool


DEFAULT_PREFERENCE = Preference(in_app=True, email=False)


async def preferences(tenant: Tenant, user_id: int) -> dict[str, Preference]:
    """The member's choice for every kind (the default for a kind never chosen)."""
    rows = await tenant.scoped(NotificationPreference).select().where(NotificationPreference.user == user_id)
    chosen = {r["kind"]: from_row(Preference, r) for r in rows}
    return {kind: chosen.get(kind, DEFAULT_PREFERENCE) for kind in KINDS}


async def save_preferences(tenant: Tenant, user_id: int, choices: dict[str, Preference]) -> None:
    """Replace the member's choices; a kind missing from `choices` is off both ways."""
    if not await is_member(tenant, user_id):
        return
    off = Preference(in_app=False, email=False)
    await tenant.scoped(NotificationPreference).delete().where(NotificationPreference.user == user_id)
    for kind in KINDS:
        choice = choices.get(kind, off)
        await tenant.scoped(NotificationPreference).new(user=user_id, kind=kind, in_app=choice.in_app,
                                                        email=choice.email).save()


