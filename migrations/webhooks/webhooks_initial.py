"""Outbound webhooks: the initial schema. Endpoints, deliveries and their attempts."""

from enum import Enum

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T12:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "webhooks: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class WebhookEndpoint(Table, tablename="webhook_endpoint"):
    organization = ForeignKey(Organization, null=False, index=True)
    url = Varchar(length=500)
    description = Varchar(length=200)
    events = JSON(default=[])
    secret = Text(secret=True)
    active = Boolean(default=True)
    disabled_reason = Text()
    failure_streak = Integer()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class WebhookDelivery(Table, tablename="webhook_delivery"):
    organization = ForeignKey(Organization, null=False, index=True)
    endpoint = ForeignKey(WebhookEndpoint, null=False, index=True)
    event_id = Varchar(length=40, index=True)
    event_type = Varchar(length=40)
    body = Text()
    status = Varchar(length=16, default="pending", index=True,
                     choices=Enum("DeliveryStatus", {"PENDING": "pending", "DELIVERED": "delivered", "GAVE_UP": "gave_up"}))
    attempts = Integer()
    next_attempt_at = Timestamptz(index=True)
    last_status_code = Integer(null=True, default=None)
    last_latency_ms = Integer(null=True, default=None)
    last_error = Text()
    replay_of = Integer(null=True, default=None)
    created_at = Timestamptz(index=True)
    delivered_at = Timestamptz(null=True, default=None)


class WebhookAttempt(Table, tablename="webhook_attempt"):
    organization = ForeignKey(Organization, null=False, index=True)
    delivery = ForeignKey(WebhookDelivery, null=False, index=True)
    endpoint = Integer(index=True)
    status_code = Integer(null=True, default=None)
    latency_ms = Integer()
    error = Text()
    attempted_at = Timestamptz(index=True)


async def forwards():
    migration = Migration(ID, "webhooks", DESCRIPTION)
    migration.create_tables(WebhookEndpoint, WebhookDelivery, WebhookAttempt)
    return migration
