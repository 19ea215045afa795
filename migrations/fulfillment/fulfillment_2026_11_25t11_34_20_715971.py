from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-25T11:34:20:715971"
VERSION = "1.38.0"
DESCRIPTION = "scheduled retry of missing tracking numbers"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="fulfillment", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Shipment",
        tablename="shipment",
        column_name="next_tracking_check_at",
        db_column_name="next_tracking_check_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Shipment",
        tablename="shipment",
        column_name="tracking_attempts",
        db_column_name="tracking_attempts",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
