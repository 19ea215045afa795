from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.statuses import ProductStatus


class Product(Table):
    """A master product; what is sold is one of its variants."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=255, help_text="Product name as the seller writes it.")
    brand = Varchar(length=120, default="", index=True)
    category = Varchar(length=120, default="", index=True)
    description = Text(default="")
    status = Varchar(length=16, choices=ProductStatus, default=ProductStatus.ACTIVE, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Variant(Table):
    """A sellable SKU. SKUs are unique per organisation (a unique index in the migration)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    product = ForeignKey(Product, null=False, index=True)
    sku = Varchar(length=64, help_text="Seller SKU, unique within the organisation.")
    barcode = Varchar(length=64, default="", index=True, help_text="EAN/UPC or the seller's own code.")
    name = Varchar(length=255, default="", help_text="Variant label, e.g. 'Merah / XL'.")
    attributes = JSON(default={}, help_text='Options such as {"colour": "Merah", "size": "XL"}.')
    price = Integer(default=0, help_text="Selling price in minor units (rupiah).")
    cost = Integer(default=0, help_text="Unit cost in minor units.")
    unit_cost = Integer(null=True, default=None,
                        help_text="Moving-average unit cost in rupiah, updated on every receipt; empty = unknown.")
    weight_grams = Integer(default=0)
    length_cm = Integer(default=0, help_text="Packed length in cm (courier volume weight).")
    width_cm = Integer(default=0, help_text="Packed width in cm.")
    height_cm = Integer(default=0, help_text="Packed height in cm.")
    image_url = Varchar(length=500, default="")
    reorder_point = Integer(default=0, help_text="Low-stock alert when available falls to this.")
    is_bundle = Boolean(default=False, help_text="Made of component variants; has no stock of its own.")
    archived = Boolean(default=False, index=True)
    search_text = Text(default="", help_text="Lower-cased name, SKU, barcode, brand and category for search.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class BundleComponent(Table):
    """One component of a bundle variant: selling one bundle consumes `quantity` of it."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    bundle = ForeignKey(Variant, null=False, index=True)
    component = ForeignKey(Variant, null=False, index=True)
    quantity = Integer(default=1)
