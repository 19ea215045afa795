"""Orders: the initial schema. Orders, their lines, events, returns and tags, and each store's sync watermark.

An order is unique per store and platform order number (replays upsert, never duplicate); a tag
once per order. The order queue lists newest placed first and pages by (placed_at, id): each filter
it uses at a million orders (all, a state tab, the oversold ones) has an index ending in
(placed_at, id); (organization, state, id) serves a state tab's capped count. PostgreSQL: trigram
GIN indexes for search (ILIKE '%term%' on order number, customer, phone and the lines' SKUs), with
finer statistics (1,000 values) on the SKU expression so that a rare SKU is not guessed at
thousands of lines (bench/orders_queue.py measures these). SQLite keeps the plain scan.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both, postgres

ID = "2026-12-05T00:00:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "orders: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Store(Table, tablename="store"):
    pass


class Location(Table, tablename="location"):
    pass


class Variant(Table, tablename="variant"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class StoreWatermark(Table, tablename="store_watermark"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, unique=True)
    fetched_until = Timestamptz(default=None, null=True)


class Order(Table, tablename="order"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, index=True)
    channel = Varchar(length=16, default="manual")
    platform_order_id = Varchar(length=64, index=True)
    state = Varchar(
        length=16,
        default="unpaid",
        index=True,
        choices=Enum(
            "OrderState",
            {
                "UNPAID": "unpaid",
                "READY_TO_SHIP": "ready_to_ship",
                "PICKING": "picking",
                "PACKED": "packed",
                "SHIPPED": "shipped",
                "DELIVERED": "delivered",
                "COMPLETED": "completed",
                "CANCELLED": "cancelled",
                "RETURNED": "returned",
            },
        ),
    )
    platform_status = Varchar(length=40)
    stock_state = Varchar(
        length=16,
        default="none",
        choices=Enum(
            "StockState",
            {"NONE": "none", "RESERVED": "reserved", "COMMITTED": "committed", "RELEASED": "released"},
        ),
    )
    oversold = Boolean()
    has_unmapped_lines = Boolean()
    location = ForeignKey(Location)
    customer_name = Varchar(length=200)
    customer_phone = Varchar(length=40, index=True)
    address = JSON()
    customer_email = Varchar(length=200, index=True)
    currency = Varchar(length=3, default="IDR")
    total = Integer()
    subtotal = Integer()
    shipping_fee = Integer()
    seller_discount = Integer()
    platform_discount = Integer()
    platform_fees = Integer(default=None, null=True)
    cash_on_delivery = Boolean()
    shipping_carrier = Varchar(length=80)
    tracking_number = Varchar(length=80)
    ship_by = Timestamptz(default=None, null=True)
    placed_at = Timestamptz()
    platform_updated_at = Timestamptz(default=None, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class OrderLine(Table, tablename="order_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    platform_item_id = Varchar(length=64)
    platform_model_id = Varchar(length=64)
    seller_sku = Varchar(length=64)
    title = Varchar()
    quantity = Integer(default=1)
    unit_price = Integer()
    variant = ForeignKey(Variant)


class OrderEvent(Table, tablename="order_event"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    kind = Varchar(length=32)
    message = Text()
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz()


class OrderReturn(Table, tablename="order_return"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    status = Varchar(length=16, default="open")
    reason = Varchar()
    created_at = Timestamptz()
    received_at = Timestamptz(default=None, null=True)


class OrderTag(Table, tablename="order_tag"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    tag = Varchar(length=32, index=True)
    created_at = Timestamptz()


class ReturnLine(Table, tablename="return_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    order_return = ForeignKey(OrderReturn, null=False, index=True)
    order_line = ForeignKey(OrderLine, null=False)
    quantity = Integer(default=1)
    restocked = Integer()
    written_off = Integer()


async def forwards():
    migration = Migration(ID, "orders", DESCRIPTION)
    migration.create_tables(StoreWatermark, Order, OrderLine, OrderEvent, OrderReturn, OrderTag, ReturnLine)
    migration.run_sql(
        both(
            'CREATE UNIQUE INDEX order_store_platform_id_uniq ON "order" (store, platform_order_id)',
            undo="DROP INDEX order_store_platform_id_uniq",
        ),
        both(
            'CREATE UNIQUE INDEX order_tag_order_tag_uniq ON order_tag ("order", tag)',
            undo="DROP INDEX order_tag_order_tag_uniq",
        ),
        both(
            'CREATE INDEX order_org_state_id ON "order" (organization, state, id)',
            undo="DROP INDEX order_org_state_id",
        ),
        both(
            'CREATE INDEX order_org_placed_id ON "order" (organization, placed_at, id)',
            undo="DROP INDEX order_org_placed_id",
        ),
        both(
            'CREATE INDEX order_org_state_placed_id ON "order" (organization, state, placed_at, id)',
            undo="DROP INDEX order_org_state_placed_id",
        ),
        both(
            'CREATE INDEX order_org_oversold_placed ON "order" (organization, placed_at, id) WHERE oversold = true',
            undo="DROP INDEX order_org_oversold_placed",
        ),
        postgres(
            'CREATE INDEX order_number_trgm ON "order" USING gin (platform_order_id gin_trgm_ops)',
            undo="DROP INDEX order_number_trgm",
        ),
        postgres(
            'CREATE INDEX order_customer_trgm ON "order" USING gin (customer_name gin_trgm_ops)',
            undo="DROP INDEX order_customer_trgm",
        ),
        postgres(
            'CREATE INDEX order_phone_trgm ON "order" USING gin (customer_phone gin_trgm_ops)',
            undo="DROP INDEX order_phone_trgm",
        ),
        postgres(
            [
                "CREATE INDEX order_line_sku_trgm ON order_line USING gin (upper(seller_sku) gin_trgm_ops)",
                "ALTER INDEX order_line_sku_trgm ALTER COLUMN 1 SET STATISTICS 1000",
            ],
            undo="DROP INDEX order_line_sku_trgm",
        ),
    )
    return migration
