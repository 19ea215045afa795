"""Money: the initial schema. Marketplace settlements and their fee lines, each store's settlement
watermark, the costs a seller enters, the daily rollups the reports read, and who opted out of the
weekly summary.

A settlement is unique per store and platform order number (a replay updates it); a rollup row is
unique per (organization, day, channel, store_id, variant_id), and the reports read it by
(organization, day)."""

from enum import Enum

from piccolo.columns.column_types import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T12:31:14:000014"
VERSION = "1.38.0"
DESCRIPTION = "money: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Store(Table, tablename="store"):
    pass


class Order(Table, tablename="order"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class Settlement(Table, tablename="settlement"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    order = ForeignKey(Order, index=True)
    platform_order_id = Varchar(length=64)
    currency = Varchar(length=3, default="IDR")
    amount = Integer()
    state = Varchar(length=16, default="estimated",
                    choices=Enum("SettlementState", {"ESTIMATED": "estimated", "FINAL": "final"}))
    settled_at = Timestamptz(default=None, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SettlementLine(Table, tablename="settlement_line"):
    organization = ForeignKey(Organization, null=False, index=True)
    settlement = ForeignKey(Settlement, null=False, index=True)
    kind = Varchar(length=32)
    amount = Integer()


class SettlementWatermark(Table, tablename="settlement_watermark"):
    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, unique=True)
    settled_until = Timestamptz(default=None, null=True)


class Expense(Table, tablename="expense"):
    organization = ForeignKey(Organization, null=False, index=True)
    spent_on = Date()
    kind = Varchar(length=16, default="other", choices=Enum("ExpenseKind", {
        "ADS": "ads", "PACKAGING": "packaging", "SHIPPING": "shipping", "STAFF": "staff", "OTHER": "other"}))
    amount = Integer()
    note = Varchar(length=200)
    store = ForeignKey(Store)
    created_by = ForeignKey(BaseUser)
    created_at = Timestamptz()


class DailyRollup(Table, tablename="daily_rollup"):
    organization = ForeignKey(Organization, null=False, index=True)
    day = Date()
    channel = Varchar(length=16)
    store_id = Integer()
    variant_id = Integer()
    orders = Integer()
    units = Integer()
    revenue = Integer()
    commission = Integer()
    service_fee = Integer()
    transaction_fee = Integer()
    campaign_fee = Integer()
    affiliate_commission = Integer()
    shipping = Integer()
    tax = Integer()
    other = Integer()
    cogs = Integer()
    unsettled = Integer()


class SummaryOptOut(Table, tablename="summary_opt_out"):
    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    weekly_summary = Boolean()
    note = Text()


async def forwards():
    migration = Migration(ID, "money", DESCRIPTION)
    migration.create_tables(Settlement, SettlementLine, SettlementWatermark, Expense, DailyRollup, SummaryOptOut)
    migration.run_sql(
        both(
            "CREATE UNIQUE INDEX settlement_store_platform_id_uniq ON settlement (store, platform_order_id)",
            undo="DROP INDEX settlement_store_platform_id_uniq",
        ),
        both(
            "CREATE UNIQUE INDEX daily_rollup_key_uniq ON daily_rollup "
            "(organization, day, channel, store_id, variant_id)",
            undo="DROP INDEX daily_rollup_key_uniq",
        ),
        both(
            "CREATE INDEX expense_org_spent_on ON expense (organization, spent_on)",
            undo="DROP INDEX expense_org_spent_on",
        ),
    )
    return migration
