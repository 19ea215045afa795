"""Stores: the initial schema. Connected marketplace shops, connection attempts and received webhook events.

One row per marketplace shop per organisation (a composite unique key).

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T00:00:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "stores: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class Store(Table, tablename="store"):
    organization = ForeignKey(Organization, null=False, index=True)
    platform = Varchar(length=16, choices=Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"}))
    name = Varchar(length=200)
    platform_shop_id = Varchar(length=64, index=True)
    shop_cipher = Varchar(length=200)
    region = Varchar(length=8)
    seller_name = Varchar(length=200)
    access_token = Text(secret=True)
    refresh_token = Text(secret=True)
    access_expires_at = Timestamptz(default=None, null=True)
    refresh_expires_at = Timestamptz(default=None, null=True)
    status = Varchar(
        length=16,
        default="active",
        index=True,
        choices=Enum(
            "StoreStatus",
            {
                "ACTIVE": "active",
                "PAUSED": "paused",
                "NEEDS_REAUTH": "needs_reauth",
                "DISCONNECTED": "disconnected",
            },
        ),
    )
    auto_push_stock = Boolean(default=True)
    auto_import_orders = Boolean(default=True)
    sync_interval_minutes = Integer(default=15)
    stock_buffer = Integer()
    stock_percent = Integer(default=100)
    price_markup_percent = Integer()
    auto_push_prices = Boolean()
    preferred_for_last_units = Boolean()
    connected_by = ForeignKey(BaseUser)
    connected_at = Timestamptz()
    last_sync_at = Timestamptz(default=None, null=True)
    last_order_fetch_at = Timestamptz(default=None, null=True)
    last_stock_push_at = Timestamptz(default=None, null=True)
    last_listing_import_at = Timestamptz(default=None, null=True)
    last_token_refresh_at = Timestamptz(default=None, null=True)
    last_checked_at = Timestamptz(default=None, null=True)
    last_error = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ConnectionAttempt(Table, tablename="connection_attempt"):
    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser)
    platform = Varchar(length=16, choices=Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"}))
    state_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(default=None, null=True)


class WebhookEventRecord(Table, tablename="webhook_event_record"):
    platform = Varchar(length=16, choices=Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"}))
    dedupe_key = Varchar(length=200, unique=True)
    kind = Varchar(length=32, default="other")
    code = Varchar(length=16)
    platform_shop_id = Varchar(length=64, index=True)
    store = ForeignKey(Store)
    organization = ForeignKey(Organization, index=True)
    received_at = Timestamptz()
    processed_at = Timestamptz(default=None, null=True)
    attempts = Integer()
    next_attempt_at = Timestamptz(default=None, null=True, index=True)
    last_error = Text()
    payload = JSON()


async def forwards():
    migration = Migration(ID, "stores", DESCRIPTION)
    migration.create_tables(Store, ConnectionAttempt, WebhookEventRecord)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX store_org_platform_shop_uniq ON store (organization, platform, platform_shop_id)",
            undo="DROP INDEX store_org_platform_shop_uniq",
        ),
    )
    return migration
