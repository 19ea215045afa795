"""Catalog: a variant's packed dimensions (length, width, height in cm) beside its weight, for
courier rates and bookings."""

from piccolo.columns.column_types import Integer

from migrations._engine import Migration

ID = "2026-12-05T12:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalog: variant dimensions in cm"


async def forwards():
    migration = Migration(ID, "catalog", DESCRIPTION)
    for name in ("length_cm", "width_cm", "height_cm"):
        migration.add_column(table_class_name="Variant", tablename="variant", column_name=name, db_column_name=name,
                             column_class_name="Integer", column_class=Integer, params={"default": 0})
    return migration
