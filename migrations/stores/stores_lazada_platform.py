from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-05T14:02:06:152213"
VERSION = "1.38.0"
DESCRIPTION = "stores: Lazada as a platform choice (no schema change: choices only)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="stores", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Store",
        tablename="store",
        column_name="platform",
        db_column_name="platform",
        params={
            "choices": Enum(
                "Platform",
                {"SHOPEE": "shopee", "TIKTOK": "tiktok", "LAZADA": "lazada"},
            )
        },
        old_params={
            "choices": Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"})
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="ConnectionAttempt",
        tablename="connection_attempt",
        column_name="platform",
        db_column_name="platform",
        params={
            "choices": Enum(
                "Platform",
                {"SHOPEE": "shopee", "TIKTOK": "tiktok", "LAZADA": "lazada"},
            )
        },
        old_params={
            "choices": Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"})
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="WebhookEventRecord",
        tablename="webhook_event_record",
        column_name="platform",
        db_column_name="platform",
        params={
            "choices": Enum(
                "Platform",
                {"SHOPEE": "shopee", "TIKTOK": "tiktok", "LAZADA": "lazada"},
            )
        },
        old_params={
            "choices": Enum("Platform", {"SHOPEE": "shopee", "TIKTOK": "tiktok"})
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
