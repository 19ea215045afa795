"""Inventory: the initial schema. Locations, stock levels, the stock ledger, pending stock changes and stock counts.

Composite unique keys (a variant's level per location, a location code per organisation) and the
ledger's lookup index.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T00:00:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "inventory: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Variant(Table, tablename="variant"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class StockChange(Table, tablename="stock_change"):
    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    created_at = Timestamptz(index=True)
    consumed_at = Timestamptz(default=None, null=True, index=True)


class Location(Table, tablename="location"):
    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    code = Varchar(length=32)
    parent = ForeignKey("self")
    active = Boolean(default=True)
    created_at = Timestamptz()


class StockMovement(Table, tablename="stock_movement"):
    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    location = ForeignKey(Location, null=False, index=True)
    kind = Varchar(
        length=16,
        choices=Enum(
            "MovementKind",
            {
                "RECEIVE": "receive",
                "ADJUST": "adjust",
                "RESERVE": "reserve",
                "RELEASE": "release",
                "COMMIT": "commit",
                "RETURN": "return",
                "WRITE_OFF": "write_off",
                "TRANSFER_OUT": "transfer_out",
                "TRANSFER_IN": "transfer_in",
                "COUNT": "count",
            },
        ),
    )
    on_hand_delta = Integer()
    reserved_delta = Integer()
    on_hand_after = Integer()
    reserved_after = Integer()
    reason = Varchar()
    reference = Varchar(length=120, index=True)
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz(index=True)


class StockCount(Table, tablename="stock_count"):
    organization = ForeignKey(Organization, null=False, index=True)
    location = ForeignKey(Location, null=False)
    status = Varchar(length=16, default="open")
    note = Varchar(length=200)
    created_by = ForeignKey(BaseUser)
    created_at = Timestamptz()
    posted_at = Timestamptz(default=None, null=True)


class StockLevel(Table, tablename="stock_level"):
    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    location = ForeignKey(Location, null=False, index=True)
    on_hand = Integer()
    reserved = Integer()
    updated_at = Timestamptz()


class StockCountLine(Table, tablename="stock_count_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    stock_count = ForeignKey(StockCount, null=False, index=True)
    variant = ForeignKey(Variant, null=False)
    expected = Integer()
    counted = Integer()
    updated_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "inventory", DESCRIPTION)
    migration.create_tables(StockChange, Location, StockMovement, StockCount, StockLevel, StockCountLine)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX stock_level_variant_location_uniq ON stock_level (variant, location)",
            undo="DROP INDEX stock_level_variant_location_uniq",
        ),
        both(
            "CREATE INDEX stock_movement_variant_created ON stock_movement (variant, created_at)",
            undo="DROP INDEX stock_movement_variant_created",
        ),
        both(
            "CREATE UNIQUE INDEX location_org_code_uniq ON location (organization, code)",
            undo="DROP INDEX location_org_code_uniq",
        ),
    )
    return migration
