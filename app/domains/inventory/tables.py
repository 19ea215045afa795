from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Variant
from app.domains.inventory.statuses import MovementKind


class Location(Table):
    """A warehouse (or a bin inside one) where stock is kept."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    code = Varchar(length=32, help_text="Short code shown on pick lists.")
    parent: "ForeignKey[Location]" = ForeignKey("self", null=True, help_text="The warehouse a bin belongs to.")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class StockLevel(Table):
    """On hand and reserved of one variant at one location. available = on_hand - reserved.
    Only the stock service writes it, by atomic conditional updates."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    location = ForeignKey(Location, null=False, index=True)
    on_hand = Integer(default=0)
    reserved = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())


class StockMovement(Table):
    """The append-only stock ledger: on_hand always equals the sum of on_hand_delta."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    location = ForeignKey(Location, null=False, index=True)
    kind = Varchar(length=16, choices=MovementKind)
    on_hand_delta = Integer(default=0)
    reserved_delta = Integer(default=0)
    on_hand_after = Integer(default=0)
    reserved_after = Integer(default=0)
    reason = Varchar(length=255, default="")
    reference = Varchar(length=120, default="", index=True, help_text="Order number, transfer or count id.")
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    unit_cost = Integer(null=True, default=None,
                        help_text="Cost of one unit of this movement in rupiah (a receipt's landed cost, else the "
                                  "moving average); empty = unknown.")


class StockChange(Table):
    """Outbox of 'available changed' signals, written in the stock transaction; the sync engine
    consumes them to push stock to marketplaces."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    consumed_at = Timestamptz(null=True, default=None, index=True)


class StockCount(Table):
    """A stock count (stock opname) of one location: lines are scanned, reviewed, then posted."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    location = ForeignKey(Location, null=False)
    status = Varchar(length=16, default="open", help_text="open or posted")
    note = Varchar(length=200, default="")
    created_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    posted_at = Timestamptz(null=True, default=None)


class StockCountLine(Table):
    """What was counted of one variant; `expected` is on hand when the variant was first counted,
    so posting can tell whether stock moved in the meantime."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    stock_count = ForeignKey(StockCount, null=False, index=True)
    variant = ForeignKey(Variant, null=False)
    expected = Integer(default=0)
    counted = Integer(default=0)
    updated_at = Timestamptz(default=TimestamptzNow())
