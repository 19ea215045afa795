"""Listings: a "Put on sale" / "Take off sale" asked of the marketplace and not answered yet, and the
marketplace's refusal of the last one."""

from piccolo.columns.column_types import Text, Varchar

from migrations._engine import Migration

ID = "2026-12-06T02:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "listings: sale_change, sale_error"


async def forwards():
    migration = Migration(ID, "listings", DESCRIPTION)
    migration.add_column(table_class_name="Listing", tablename="listing", column_name="sale_change",
                         db_column_name="sale_change", column_class_name="Varchar", column_class=Varchar,
                         params={"length": 16, "default": "", "null": False,
                                 "help_text": "ListingState asked of the marketplace (live, unlisted) by a job "
                                              "not finished yet; '' none."})
    migration.add_column(table_class_name="Listing", tablename="listing", column_name="sale_error",
                         db_column_name="sale_error", column_class_name="Text", column_class=Text,
                         params={"default": "", "null": False,
                                 "help_text": "Why the marketplace refused the last sale change, in its words."})
    return migration
