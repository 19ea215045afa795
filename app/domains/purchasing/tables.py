from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Variant
from app.domains.inventory.tables import Location
from app.domains.purchasing.statuses import Allocation, PurchaseStatus


class Supplier(Table):
    """Someone the seller buys stock from."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    contact_name = Varchar(length=120, default="")
    phone = Varchar(length=32, default="", help_text="Phone / WhatsApp number, stored as +62...")
    email = Varchar(length=200, default="")
    lead_time_days = Integer(default=7, help_text="Days from ordering to goods arriving.")
    payment_terms = Varchar(length=120, default="", help_text="e.g. 'cash on delivery', '30 days'.")
    note = Text(default="")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class SupplierItem(Table):
    """A SKU a supplier supplies, at their price (whole rupiah). One row per supplier and variant."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    supplier = ForeignKey(Supplier, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    price = Integer(default=0, help_text="The supplier's unit price in rupiah.")
    supplier_sku = Varchar(length=64, default="", help_text="The supplier's own code for it.")


class PurchaseOrder(Table):
    """An order to a supplier: draft -> ordered -> partly received -> received (or cancelled)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    supplier = ForeignKey(Supplier, null=False, index=True)
    number = Varchar(length=20, help_text="PO-00001, unique within the organisation.")
    status = Varchar(length=20, choices=PurchaseStatus, default=PurchaseStatus.DRAFT, index=True)
    location = ForeignKey(Location, null=False, help_text="Where the goods are received.")
    currency = Varchar(length=3, default="IDR")
    freight = Integer(default=0, help_text="Freight in rupiah, shared among the lines as landed cost.")
    other_costs = Integer(default=0, help_text="Other landed costs (duty, handling) in rupiah.")
    allocation = Varchar(length=10, choices=Allocation, default=Allocation.VALUE)
    note = Text(default="")
    created_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    ordered_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None, help_text="Received in full, closed short, or cancelled.")


class PurchaseOrderLine(Table):
    """What is ordered of one variant, and how much of it arrived (received may exceed quantity:
    an over-delivery). `scanned` is what the receiving screen counted and has not posted yet."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    purchase_order = ForeignKey(PurchaseOrder, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    quantity = Integer(default=0)
    unit_price = Integer(default=0, help_text="Price per unit in rupiah, before landed costs.")
    received = Integer(default=0)
    scanned = Integer(default=0)
    not_carried = Boolean(default=False, help_text="The supplier's list does not have this SKU (a warning).")
