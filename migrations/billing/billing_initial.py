"""Plans and billing: the initial schema. Plans (with Free, Growth and Pro), subscriptions,
invoices and API calls per month."""

from enum import Enum

from piccolo.columns.column_types import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T12:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "billing: initial schema"

PLANS = (  # code, name, price, stores, orders a month, members, locations, API calls a month, position
    ("free", "Free", 0, 1, 100, 2, 1, 1000, 0),
    ("growth", "Growth", 149000, 3, 2000, 5, 3, 50000, 1),
    ("pro", "Pro", 499000, 10, 20000, 20, 10, 500000, 2),
)


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Plan(Table, tablename="plan"):
    code = Varchar(length=20, unique=True)
    name = Varchar(length=60)
    price = Integer()
    max_stores = Integer(null=True, default=None)
    max_orders_per_month = Integer(null=True, default=None)
    max_members = Integer(null=True, default=None)
    max_locations = Integer(null=True, default=None)
    max_api_calls_per_month = Integer(null=True, default=None)
    available = Boolean(default=True)
    display_order = Integer()


class Subscription(Table, tablename="subscription"):
    organization = ForeignKey(Organization, null=False, unique=True)
    plan = ForeignKey(Plan, null=False, index=True)
    status = Varchar(length=16, default="active",
                     choices=Enum("SubscriptionStatus", {"ACTIVE": "active", "PAST_DUE": "past_due"}))
    period_start = Timestamptz(null=True, default=None)
    period_end = Timestamptz(null=True, default=None)
    grace_until = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()


class BillingInvoice(Table, tablename="billing_invoice"):
    organization = ForeignKey(Organization, null=False, index=True)
    number = Varchar(length=40, unique=True)
    plan = ForeignKey(Plan, null=False)
    kind = Varchar(length=16, choices=Enum("InvoiceKind", {"UPGRADE": "upgrade", "RENEWAL": "renewal"}))
    amount = Integer()
    period_start = Timestamptz()
    period_end = Timestamptz()
    status = Varchar(length=16, default="open", index=True,
                     choices=Enum("InvoiceStatus", {"OPEN": "open", "PAID": "paid", "VOID": "void"}))
    gateway_reference = Varchar(length=120)
    pay_url = Varchar(length=500)
    due_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ApiUsage(Table, tablename="api_usage"):
    organization = ForeignKey(Organization, null=False, index=True)
    month = Varchar(length=7)
    calls = Integer()


def _plan_rows() -> str:
    return ", ".join(f"('{code}', '{name}', {price}, {stores}, {orders}, {members}, {locations}, {api}, TRUE, {pos})"
                     for code, name, price, stores, orders, members, locations, api, pos in PLANS)


async def forwards():
    migration = Migration(ID, "billing", DESCRIPTION)
    migration.create_tables(Plan, Subscription, BillingInvoice, ApiUsage)
    migration.run_sql(
        both("CREATE UNIQUE INDEX api_usage_org_month ON api_usage (organization, month)",
             undo="DROP INDEX api_usage_org_month"),
        both("INSERT INTO plan (code, name, price, max_stores, max_orders_per_month, max_members, max_locations, "
             f"max_api_calls_per_month, available, display_order) VALUES {_plan_rows()}",
             undo="DELETE FROM plan WHERE code IN ('free', 'growth', 'pro')"),
    )
    return migration
