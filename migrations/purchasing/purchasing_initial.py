"""Purchasing: the initial schema. Suppliers, the SKUs they supply, purchase orders and their lines.

A supplier lists a variant once; a purchase order's number is unique within the organisation."""

from enum import Enum

from piccolo.columns.column_types import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T12:30:07:000007"
VERSION = "1.38.0"
DESCRIPTION = "purchasing: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Variant(Table, tablename="variant"):
    pass


class Location(Table, tablename="location"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class Supplier(Table, tablename="supplier"):
    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    contact_name = Varchar(length=120)
    phone = Varchar(length=32)
    email = Varchar(length=200)
    lead_time_days = Integer(default=7)
    payment_terms = Varchar(length=120)
    note = Text()
    active = Boolean(default=True)
    created_at = Timestamptz()


class SupplierItem(Table, tablename="supplier_item"):
    organization = ForeignKey(Organization, null=False, index=True)
    supplier = ForeignKey(Supplier, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    price = Integer()
    supplier_sku = Varchar(length=64)


class PurchaseOrder(Table, tablename="purchase_order"):
    organization = ForeignKey(Organization, null=False, index=True)
    supplier = ForeignKey(Supplier, null=False, index=True)
    number = Varchar(length=20)
    status = Varchar(
        length=20,
        default="draft",
        index=True,
        choices=Enum(
            "PurchaseStatus",
            {"DRAFT": "draft", "ORDERED": "ordered", "PARTLY_RECEIVED": "partly_received", "RECEIVED": "received",
             "CANCELLED": "cancelled"},
        ),
    )
    location = ForeignKey(Location, null=False)
    currency = Varchar(length=3, default="IDR")
    freight = Integer()
    other_costs = Integer()
    allocation = Varchar(
        length=10, default="value",
        choices=Enum("Allocation", {"VALUE": "value", "QUANTITY": "quantity", "WEIGHT": "weight"}),
    )
    note = Text()
    created_by = ForeignKey(BaseUser)
    created_at = Timestamptz()
    ordered_at = Timestamptz(default=None, null=True)
    closed_at = Timestamptz(default=None, null=True)


class PurchaseOrderLine(Table, tablename="purchase_order_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    purchase_order = ForeignKey(PurchaseOrder, null=False, index=True)
    variant = ForeignKey(Variant, null=False, index=True)
    quantity = Integer()
    unit_price = Integer()
    received = Integer()
    scanned = Integer()
    not_carried = Boolean(default=False)


async def forwards():
    migration = Migration(ID, "purchasing", DESCRIPTION)
    migration.create_tables(Supplier, SupplierItem, PurchaseOrder, PurchaseOrderLine)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX supplier_item_supplier_variant_uniq ON supplier_item (supplier, variant)",
            undo="DROP INDEX supplier_item_supplier_variant_uniq",
        ),
        both(
            "CREATE UNIQUE INDEX purchase_order_org_number_uniq ON purchase_order (organization, number)",
            undo="DROP INDEX purchase_order_org_number_uniq",
        ),
    )
    return migration
