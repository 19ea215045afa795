from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Product, Variant
from app.domains.orders.tables import Order


class WebsiteSettings(Table):
    """The seller's own shop at /shop/<slug> (or their domain): one per organisation."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean(default=False, help_text="Buyers see the shop only when enabled.")
    slug = Varchar(length=60, unique=True, help_text="The shop's address: /shop/<slug>.")
    domain = Varchar(length=200, default="", index=True, help_text="The seller's own host name, mapped by Host header.")
    title = Varchar(length=120, default="", help_text="The shop's name as buyers see it.")
    logo_url = Varchar(length=500, default="")
    banner_url = Varchar(length=500, default="")
    primary_colour = Varchar(length=7, default="#0f766e")
    accent_colour = Varchar(length=7, default="#f59e0b")
    about = Text(default="")
    contact = Text(default="")
    whatsapp = Varchar(length=20, default="", help_text="The seller's WhatsApp number, 62… (wa.me links).")
    hold_hours = Integer(default=24, help_text="Hours an unpaid order holds its stock (1..168).")
    shipping_mode = Varchar(length=16, default="flat", help_text="flat or province")
    flat_rate = Integer(default=15000, help_text="Shipping fee in rupiah for every address (flat mode).")
    province_rates = JSON(default={}, help_text='{"32": 12000, ...}: fee per province code; others take flat_rate.')
    cors_origins = Text(default="", help_text="Origins (one per line) allowed to call the JSON API.")
    stock_buffer = Integer(default=0, help_text="Units held back from the website.")
    stock_percent = Integer(default=100, help_text="Percentage of available stock offered on the website.")
    preferred_for_last_units = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WebsiteProduct(Table):
    """A catalog product shown on the website; price 0 on a variant means the catalog price."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    product = ForeignKey(Product, null=False, unique=True)
    prices = JSON(default={}, help_text='{"<variant id>": price}: website prices that differ from the catalog.')
    created_at = Timestamptz(default=TimestamptzNow())


class Cart(Table):
    """A buyer's cart, found by its secret token (a cookie or the API client); never reserves stock."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class CartLine(Table):
    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    cart = ForeignKey(Cart, null=False, index=True)
    variant = ForeignKey(Variant, null=False)
    quantity = Integer(default=1)


class WebsiteOrder(Table):
    """What the website adds to an order: the buyer's secret status link, the payment deadline."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    token_hash = Varchar(length=64, unique=True, secret=True, help_text="SHA-256 of the buyer's status link token.")
    payment_method = Varchar(length=20, default="cod")
    amount_due = Integer(default=0, help_text="Rupiah the buyer was asked to pay.")
    deadline = Timestamptz(null=True, default=None, index=True, help_text="Unpaid after this: cancelled, stock released.")
    expired_at = Timestamptz(null=True, default=None)
    payment = JSON(default={}, help_text="The payment's start (instructions, redirect) as shown to the buyer.")
    created_at = Timestamptz(default=TimestamptzNow())
