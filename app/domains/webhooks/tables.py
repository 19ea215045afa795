"""Outbound webhooks' tables: the seller's endpoints, one delivery per event and endpoint, and every attempt."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.webhooks.statuses import DeliveryStatus


class WebhookEndpoint(Table):
    """A URL of the seller's that is sent the events it subscribes to, signed with its own secret."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    url = Varchar(length=500, help_text="Where deliveries are POSTed (https in production).")
    description = Varchar(length=200, default="", help_text="What the seller calls it.")
    events = JSON(default=[], help_text="Event types it receives, e.g. [\"order.created\"].")
    secret = Text(default="", secret=True, help_text="Signing secret, Fernet-encrypted; shown to the seller on demand.")
    active = Boolean(default=True, help_text="Inactive endpoints receive nothing (turned off, or disabled after failing).")
    disabled_reason = Text(default="", help_text="Why it was disabled automatically (empty when turned off by hand).")
    failure_streak = Integer(default=0, help_text="Failed attempts in a row; a success resets it.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WebhookDelivery(Table):
    """One event for one endpoint: its body as sent (the same bytes on every retry), and its state."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    endpoint = ForeignKey(WebhookEndpoint, null=False, index=True)
    event_id = Varchar(length=40, index=True, help_text="The event's id (a UUID), the same in every endpoint's copy.")
    event_type = Varchar(length=40, help_text="order.created, stock.changed, ...")
    body = Text(help_text="The JSON payload exactly as POSTed: {id, type, created_at, data}.")
    status = Varchar(length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING, index=True,
                     help_text="pending, delivered or gave_up.")
    attempts = Integer(default=0, help_text="Attempts made.")
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True,
                                  help_text="When it may be tried (again); a job taking it moves this on as a lease.")
    last_status_code = Integer(null=True, default=None, help_text="The receiver's last HTTP status (empty: no answer).")
    last_latency_ms = Integer(null=True, default=None, help_text="How long the last attempt took.")
    last_error = Text(default="", help_text="Why the last attempt failed.")
    replay_of = Integer(null=True, default=None, help_text="The delivery this one replays, when sent again by hand.")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    delivered_at = Timestamptz(null=True, default=None)


class WebhookAttempt(Table):
    """One POST of a delivery: the log the seller reads (status code, latency, error)."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    delivery = ForeignKey(WebhookDelivery, null=False, index=True)
    endpoint = Integer(index=True, help_text="The endpoint (denormalised for its log).")
    status_code = Integer(null=True, default=None, help_text="HTTP status answered (empty: no answer).")
    latency_ms = Integer(default=0)
    error = Text(default="", help_text="Network error or refusal, in a sentence.")
    attempted_at = Timestamptz(default=TimestamptzNow(), index=True)
