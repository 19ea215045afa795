"""Website: the initial schema. The seller's own shop: its settings, products on it, carts and website orders.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from piccolo.columns.column_types import Boolean, ForeignKey, Integer, JSON, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T06:30:03:498863"
VERSION = "1.38.0"
DESCRIPTION = "website: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Order(Table, tablename="order"):
    pass


class Variant(Table, tablename="variant"):
    pass


class Product(Table, tablename="product"):
    pass


class WebsiteOrder(Table, tablename="website_order"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    payment_method = Varchar(length=20, default="cod")
    amount_due = Integer()
    deadline = Timestamptz(default=None, null=True, index=True)
    expired_at = Timestamptz(default=None, null=True)
    payment = JSON()
    created_at = Timestamptz()


class Cart(Table, tablename="cart"):
    organization = ForeignKey(Organization, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CartLine(Table, tablename="cart_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    cart = ForeignKey(Cart, null=False, index=True)
    variant = ForeignKey(Variant, null=False)
    quantity = Integer(default=1)


class WebsiteSettings(Table, tablename="website_settings"):
    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean()
    slug = Varchar(length=60, unique=True)
    domain = Varchar(length=200, index=True)
    title = Varchar(length=120)
    logo_url = Varchar(length=500)
    banner_url = Varchar(length=500)
    primary_colour = Varchar(length=7, default="#0f766e")
    accent_colour = Varchar(length=7, default="#f59e0b")
    about = Text()
    contact = Text()
    whatsapp = Varchar(length=20)
    hold_hours = Integer(default=24)
    shipping_mode = Varchar(length=16, default="flat")
    flat_rate = Integer(default=15000)
    province_rates = JSON()
    cors_origins = Text()
    stock_buffer = Integer()
    stock_percent = Integer(default=100)
    preferred_for_last_units = Boolean()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class WebsiteProduct(Table, tablename="website_product"):
    organization = ForeignKey(Organization, null=False, index=True)
    product = ForeignKey(Product, null=False, unique=True)
    prices = JSON()
    created_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "website", DESCRIPTION)
    migration.create_tables(WebsiteOrder, Cart, CartLine, WebsiteSettings, WebsiteProduct)
    return migration
