"""Fulfillment: the initial schema. Pick lists, pack scans, shipments and order actions sent to the marketplaces.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T00:00:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "fulfillment: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class Order(Table, tablename="order"):
    pass


class Variant(Table, tablename="variant"):
    pass


class PickList(Table, tablename="pick_list"):
    organization = ForeignKey(Organization, null=False, index=True)
    order_count = Integer()
    created_by = ForeignKey(BaseUser)
    created_at = Timestamptz()


class Shipment(Table, tablename="shipment"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    status = Varchar(
        length=20,
        default="arranging",
        index=True,
        choices=Enum(
            "ShipmentStatus",
            {"ARRANGING": "arranging", "AWAITING_TRACKING": "awaiting_tracking", "SHIPPED": "shipped"},
        ),
    )
    mode = Varchar(
        length=10,
        default="manual",
        choices=Enum("ShipMode", {"PICKUP": "pickup", "DROPOFF": "dropoff", "MANUAL": "manual"}),
    )
    carrier = Varchar(length=80, index=True)
    tracking_number = Varchar(length=80)
    note = Text()
    tracking_attempts = Integer()
    next_tracking_check_at = Timestamptz(default=None, null=True, index=True)
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz()
    shipped_at = Timestamptz(default=None, null=True, index=True)


class PackScan(Table, tablename="pack_scan"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    variant = ForeignKey(Variant)
    code = Varchar(length=64)
    outcome = Varchar(
        length=16,
        default="counted",
        choices=Enum(
            "ScanOutcome",
            {"COUNTED": "counted", "WRONG": "wrong", "SURPLUS": "surplus", "UNKNOWN": "unknown"},
        ),
    )
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz()


class OrderAction(Table, tablename="order_action"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    kind = Varchar(length=16, choices=Enum("ActionKind", {"CANCEL": "cancel", "SHIP": "ship"}))
    reason = Varchar(length=32)
    status = Varchar(
        length=16,
        default="pending",
        index=True,
        choices=Enum("ActionStatus", {"PENDING": "pending", "DONE": "done", "FAILED": "failed"}),
    )
    message = Text()
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz()
    finished_at = Timestamptz(default=None, null=True)


class PickListOrder(Table, tablename="pick_list_order"):
    organization = ForeignKey(Organization, null=False, index=True)
    pick_list = ForeignKey(PickList, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)


async def forwards():
    migration = Migration(ID, "fulfillment", DESCRIPTION)
    migration.create_tables(PickList, Shipment, PackScan, OrderAction, PickListOrder)
    return migration
