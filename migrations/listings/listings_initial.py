"""Listings: the initial schema. Marketplace listings, allocation rules and the locations each store sells from.

A listing is unique per store and platform item/model; a location is listed once per store.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T00:00:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "listings: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Store(Table, tablename="store"):
    pass


class Variant(Table, tablename="variant"):
    pass


class Location(Table, tablename="location"):
    pass


class Listing(Table, tablename="listing"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    platform_item_id = Varchar(length=64)
    platform_model_id = Varchar(length=64, default="0")
    title = Varchar()
    model_name = Varchar()
    seller_sku = Varchar(length=64, index=True)
    platform_price = Integer()
    platform_quantity = Integer()
    platform_location_id = Varchar(length=64)
    variant = ForeignKey(Variant, index=True)
    status = Varchar(
        length=16,
        default="unmapped",
        index=True,
        choices=Enum("MappingStatus", {"MAPPED": "mapped", "UNMAPPED": "unmapped", "IGNORED": "ignored"}),
    )
    last_pushed_qty = Integer(default=None, null=True)
    last_pushed_at = Timestamptz(default=None, null=True)
    last_push_error = Text()
    imported_at = Timestamptz()


class AllocationRule(Table, tablename="allocation_rule"):
    organization = ForeignKey(Organization, null=False, unique=True)
    last_units_threshold = Integer()


class StoreLocation(Table, tablename="store_location"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    location = ForeignKey(Location, null=False)


async def forwards():
    migration = Migration(ID, "listings", DESCRIPTION)
    migration.create_tables(Listing, AllocationRule, StoreLocation)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX listing_store_item_model_uniq ON listing (store, platform_item_id, platform_model_id)",
            undo="DROP INDEX listing_store_item_model_uniq",
        ),
        both(
            "CREATE UNIQUE INDEX store_location_store_location_uniq ON store_location (store, location)",
            undo="DROP INDEX store_location_store_location_uniq",
        ),
    )
    return migration
