"""Listings: whether a listing is on sale on its marketplace (live, unlisted, draft, other)."""

from piccolo.columns.column_types import Varchar

from migrations._engine import Migration

ID = "2026-12-05T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "listings: listing_state"


async def forwards():
    migration = Migration(ID, "listings", DESCRIPTION)
    migration.add_column(table_class_name="Listing", tablename="listing", column_name="listing_state",
                         db_column_name="listing_state", column_class_name="Varchar", column_class=Varchar,
                         params={"length": 16, "default": "", "null": False,
                                 "help_text": "ListingState on the marketplace (live, unlisted, draft, other); "
                                              "'' unknown."})
    return migration
