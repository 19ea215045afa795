"""Marketing: the initial schema. Vouchers, their single-use codes, per-customer counters and uses;
the loyalty programme, points balances and the points ledger; customer segments, marketing consent and campaigns; abandoned-cart reminders."""

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "marketing: vouchers and loyalty points"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Order(Table, tablename="order"):
    pass


class Voucher(Table, tablename="voucher"):
    organization = ForeignKey(Organization, null=False, index=True)
    code = Varchar(length=40)
    name = Varchar(length=120)
    kind = Varchar(length=16, default="percent")
    value = Integer()
    max_discount = Integer()
    min_spend = Integer()
    product_ids = JSON(default=[])
    categories = JSON(default=[])
    starts_at = Timestamptz(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    total_limit = Integer(null=True, default=None)
    per_customer_limit = Integer(null=True, default=None)
    stackable = Boolean(default=False)
    batch = Boolean(default=False)
    used = Integer()
    active = Boolean(default=True)
    created_at = Timestamptz()


class VoucherCode(Table, tablename="voucher_code"):
    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    code = Varchar(length=40)
    order = ForeignKey(Order, null=True, default=None)
    used_at = Timestamptz(null=True, default=None)


class VoucherCustomer(Table, tablename="voucher_customer"):
    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    customer = Varchar(length=200)
    uses = Integer()


class VoucherUse(Table, tablename="voucher_use"):
    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    code = Varchar(length=40)
    customer = Varchar(length=200)
    discount = Integer()
    order_total = Integer()
    released = Boolean(default=False)
    created_at = Timestamptz()


class LoyaltySettings(Table, tablename="loyalty_settings"):
    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean(default=False)
    rupiah_per_point = Integer(default=1000)
    point_value = Integer(default=1)
    channels = JSON(default=["website", "manual"])
    expiry_days = Integer(default=365)
    tiers = JSON(default=[])
    started_at = Timestamptz()


class PointsBalance(Table, tablename="points_balance"):
    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200)
    balance = Integer()


class PointsLine(Table, tablename="points_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200)
    kind = Varchar(length=16)
    points = Integer()
    order = ForeignKey(Order, null=True, default=None, index=True)
    earn_line = Integer(null=True, default=None)
    remaining = Integer()
    expires_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz()


class Segment(Table, tablename="segment"):
    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    filters = JSON()
    created_at = Timestamptz()


class Consent(Table, tablename="consent"):
    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200)
    channel = Varchar(length=16)
    address = Varchar(length=200)
    granted = Boolean(default=False)
    source = Varchar(length=60)
    recorded_at = Timestamptz()
    unsubscribed_at = Timestamptz(null=True, default=None)


class Campaign(Table, tablename="campaign"):
    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    kind = Varchar(length=16, default="email")
    segment = ForeignKey(Segment, null=False)
    subject = Varchar(length=200)
    body = Text()
    status = Varchar(length=16, default="draft")
    total = Integer()
    sent = Integer()
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class CartReminder(Table, tablename="cart_reminder"):
    organization = ForeignKey(Organization, null=False, index=True)
    cart_id = Integer()
    email = Varchar(length=200)
    phone = Varchar(length=40)
    link = Varchar(length=500)
    seen_at = Timestamptz()
    reminded_at = Timestamptz(null=True, default=None, index=True)


async def forwards():
    migration = Migration(ID, "marketing", DESCRIPTION)
    migration.create_tables(Voucher, VoucherCode, VoucherCustomer, VoucherUse, LoyaltySettings, PointsBalance,
                            PointsLine, Segment, Consent, Campaign, CartReminder)
    migration.run_sql(
        both("CREATE UNIQUE INDEX voucher_org_code_uniq ON voucher (organization, code)",
             undo="DROP INDEX voucher_org_code_uniq"),
        both("CREATE UNIQUE INDEX voucher_code_org_code_uniq ON voucher_code (organization, code)",
             undo="DROP INDEX voucher_code_org_code_uniq"),
        both("CREATE UNIQUE INDEX voucher_customer_uniq ON voucher_customer (voucher, customer)",
             undo="DROP INDEX voucher_customer_uniq"),
        # one balance per customer; an order earns, redeems, is reversed and refunded at most once
        both("CREATE UNIQUE INDEX points_balance_uniq ON points_balance (organization, customer)",
             undo="DROP INDEX points_balance_uniq"),
        both('CREATE UNIQUE INDEX points_line_order_kind_uniq ON points_line (organization, "order", kind) '
             "WHERE \"order\" IS NOT NULL", undo="DROP INDEX points_line_order_kind_uniq"),
        both("CREATE UNIQUE INDEX consent_customer_channel_uniq ON consent (organization, customer, channel)",
             undo="DROP INDEX consent_customer_channel_uniq"),
        both("CREATE INDEX points_line_customer ON points_line (organization, customer, id)",
             undo="DROP INDEX points_line_customer"),
    )
    return migration
