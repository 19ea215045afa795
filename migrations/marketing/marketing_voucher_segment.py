"""Marketing: a voucher restricted to the customers of a saved segment (empty: everyone)."""

from piccolo.columns.column_types import Integer

from migrations._engine import Migration

ID = "2026-12-05T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "marketing: voucher segment restriction"


async def forwards():
    migration = Migration(ID, "marketing", DESCRIPTION)
    migration.add_column(table_class_name="Voucher", tablename="voucher", column_name="segment",
                         db_column_name="segment", column_class_name="Integer", column_class=Integer,
                         params={"default": None, "null": True})
    return migration
