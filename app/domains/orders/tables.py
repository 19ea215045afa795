from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Variant
from app.domains.inventory.tables import Location
from app.domains.orders.statuses import OrderState, StockState
from app.domains.stores.tables import Store


class Order(Table):
    """An order of any channel. Marketplace orders are unique per (store, platform_order_id)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=True, index=True, help_text="Empty for manual orders.")
    channel = Varchar(length=16, default="manual", help_text="shopee, tiktok or manual")
    platform_order_id = Varchar(length=64, index=True, help_text="Order number on the marketplace.")
    state = Varchar(length=16, choices=OrderState, default=OrderState.UNPAID, index=True)
    platform_status = Varchar(length=40, default="", help_text="The marketplace's own status word.")
    stock_state = Varchar(length=16, choices=StockState, default=StockState.NONE)
    oversold = Boolean(default=False, help_text="Sold by the platform without stock here: needs a person.")
    has_unmapped_lines = Boolean(default=False)
    location = ForeignKey(Location, null=True, help_text="Warehouse the order ships from.")
    customer_name = Varchar(length=200, default="")
    customer_phone = Varchar(length=40, default="", index=True)
    address = JSON(default={})
    customer_email = Varchar(length=200, default="", index=True, help_text="Lower-cased; merges customers.")
    currency = Varchar(length=3, default="IDR")
    total = Integer(default=0, help_text="Minor units: what the buyer pays.")
    subtotal = Integer(default=0, help_text="Minor units: items at their list price.")
    shipping_fee = Integer(default=0, help_text="Minor units: shipping paid by the buyer.")
    seller_discount = Integer(default=0, help_text="Minor units: discounts and vouchers the seller funds.")
    platform_discount = Integer(default=0, help_text="Minor units: vouchers the marketplace funds.")
    platform_fees = Integer(null=True, default=None,
                            help_text="Minor units: commission and fees; empty when the marketplace has not said.")
    cash_on_delivery = Boolean(default=False)
    shipping_carrier = Varchar(length=80, default="")
    tracking_number = Varchar(length=80, default="")
    ship_by = Timestamptz(null=True, default=None)
    # Indexed with the organisation: (organization, [state,] placed_at, id), see migrations/orders/orders_initial.py.
    placed_at = Timestamptz(default=TimestamptzNow(), index=False)
    platform_updated_at = Timestamptz(null=True, default=None, help_text="Newest platform update applied.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OrderLine(Table):
    id: Serial  # the primary key Piccolo adds; declared for the type checker
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    platform_item_id = Varchar(length=64, default="")
    platform_model_id = Varchar(length=64, default="")
    seller_sku = Varchar(length=64, default="")
    title = Varchar(length=255, default="")
    quantity = Integer(default=1)
    unit_price = Integer(default=0)
    variant = ForeignKey(Variant, null=True, help_text="Master variant; empty = unmapped, flagged for the seller.")
    cost_of_goods = Integer(null=True, default=None,
                            help_text="Cost of the line's units in rupiah, fixed when its stock leaves (ship); "
                                      "empty = not shipped yet or cost unknown.")


class OrderEvent(Table):
    """The order's timeline: platform statuses and local actions."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    kind = Varchar(length=32, help_text="status, stock, note, oversold ...")
    message = Text(default="")
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class StoreWatermark(Table):
    """How far the scheduled order fetch of a store has read (update time)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, unique=True)
    fetched_until = Timestamptz(null=True, default=None)


class OrderReturn(Table):
    """A return of some shipped units of an order: opened, then received unit by unit."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    status = Varchar(length=16, default="open", help_text="open or received")
    reason = Varchar(length=255, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    received_at = Timestamptz(null=True, default=None)


class ReturnLine(Table):
    id: Serial  # the primary key Piccolo adds; declared for the type checker
    organization = ForeignKey(Organization, null=False, index=True)
    order_return = ForeignKey(OrderReturn, null=False, index=True)
    order_line = ForeignKey(OrderLine, null=False)
    quantity = Integer(default=1)
    restocked = Integer(default=0, help_text="Units put back into stock.")
    written_off = Integer(default=0, help_text="Units damaged or lost.")


class OrderTag(Table):
    """A free-text label on an order ("gift wrap", "VIP"), lower-cased, once per order."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    tag = Varchar(length=32, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
