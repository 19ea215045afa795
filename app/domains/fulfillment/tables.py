from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Variant
from app.domains.fulfillment.statuses import (
    ActionKind,
    ActionStatus,
    LabelSize,
    ScanOutcome,
    ShipmentStatus,
    ShipMode,
)
from app.domains.orders.tables import Order


class PickList(Table):
    """A batch of orders picked together; its lines are computed from the orders' lines."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order_count = Integer(default=0)
    created_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class PickListOrder(Table):
    id: Serial  # the primary key Piccolo adds; declared for the type checker
    organization = ForeignKey(Organization, null=False, index=True)
    pick_list = ForeignKey(PickList, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)


class PackScan(Table):
    """Every scan at the packing bench, refused ones too; counted scans are the packed units."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    variant = ForeignKey(Variant, null=True, help_text="Empty for an unknown code.")
    code = Varchar(length=64, default="", help_text="What the scanner typed.")
    outcome = Varchar(length=16, choices=ScanOutcome, default=ScanOutcome.COUNTED)
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Shipment(Table):
    """One per order: how it was handed to the courier. Its uniqueness is what makes shipping
    twice ship once (the adapter is called only by whoever created the row)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    status = Varchar(length=20, choices=ShipmentStatus, default=ShipmentStatus.ARRANGING, index=True)
    mode = Varchar(length=10, choices=ShipMode, default=ShipMode.MANUAL)
    carrier = Varchar(length=80, default="", index=True)
    tracking_number = Varchar(length=80, default="")
    note = Text(default="", help_text="Last problem reported by the marketplace, if any.")
    tracking_attempts = Integer(default=0, help_text="Scheduled reads of a missing tracking number so far.")
    next_tracking_check_at = Timestamptz(null=True, default=None, index=True,
                                         help_text="When the scheduled retry asks the marketplace again.")
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    shipped_at = Timestamptz(null=True, default=None, index=True)


class OrderAction(Table):
    """A person's action on a marketplace order that must go through the marketplace (cancel it,
    arrange its shipment): recorded when asked, carried out by a job after the commit (never a
    network call inside a transaction), its outcome kept for the order page."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    kind = Varchar(length=16, choices=ActionKind)
    reason = Varchar(length=32, default="", help_text="Cancel reason chosen from the platform's reasons.")
    status = Varchar(length=16, choices=ActionStatus, default=ActionStatus.PENDING, index=True)
    message = Text(default="", help_text="The outcome in the seller's words (the platform's refusal, if any).")
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class LabelSettings(Table):
    """How an organisation prints StoreSync's own labels: the paper chosen last, offered first next time."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, unique=True)
    label_size = Varchar(length=16, choices=LabelSize, default=LabelSize.THERMAL,
                         help_text="thermal: 100 x 150 mm per page; a4: four labels per A4 sheet.")
    updated_at = Timestamptz(default=TimestamptzNow())
