"""Plans (platform-wide, edited by platform admins), each organisation's subscription, its
invoices, and its API calls counted per month."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.billing.statuses import InvoiceKind, InvoiceStatus, SubscriptionStatus


class Plan(Table):
    """A plan and its limits (empty limit: unlimited). Not owned by a tenant: the platform's price list."""

    id: Serial

    code = Varchar(length=20, unique=True, help_text="free, growth, pro (free is the fallback: keep it).")
    name = Varchar(length=60, help_text="Shown to sellers.")
    price = Integer(default=0, help_text="Rupiah per period (0: free).")
    max_stores = Integer(null=True, default=None, help_text="Connected stores (empty: unlimited).")
    max_orders_per_month = Integer(null=True, default=None, help_text="Orders a month, shown and warned about; "
                                   "incoming orders are never refused.")
    max_members = Integer(null=True, default=None, help_text="Members plus open invitations.")
    max_locations = Integer(null=True, default=None, help_text="Active locations.")
    max_api_calls_per_month = Integer(null=True, default=None, help_text="Calls to /api/v1 a month.")
    available = Boolean(default=True, help_text="Offered on the Billing page.")
    display_order = Integer(default=0, help_text="Order on the Billing page.")


class Subscription(Table):
    """An organisation's plan and paid period. No row: the Free plan."""

    id: Serial

    organization = ForeignKey(Organization, null=False, unique=True)
    plan = ForeignKey(Plan, null=False, index=True)
    status = Varchar(length=16, choices=SubscriptionStatus, default=SubscriptionStatus.ACTIVE,
                     help_text="active, or past_due while a renewal is unpaid (until grace_until).")
    period_start = Timestamptz(null=True, default=None)
    period_end = Timestamptz(null=True, default=None, help_text="Paid until (UTC); empty on Free.")
    grace_until = Timestamptz(null=True, default=None, help_text="Falls back to Free after this if still unpaid.")
    updated_at = Timestamptz(default=TimestamptzNow())


class BillingInvoice(Table):
    """One period of a plan, to pay through the platform's payment gateway; a PDF on demand."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    number = Varchar(length=40, unique=True, help_text="INV-<organisation>-<sequence>: the gateway's external id.")
    plan = ForeignKey(Plan, null=False)
    kind = Varchar(length=16, choices=InvoiceKind, help_text="upgrade or renewal.")
    amount = Integer(help_text="Rupiah.")
    period_start = Timestamptz()
    period_end = Timestamptz()
    status = Varchar(length=16, choices=InvoiceStatus, default=InvoiceStatus.OPEN, index=True)
    gateway_reference = Varchar(length=120, default="", help_text="The gateway's invoice id.")
    pay_url = Varchar(length=500, default="", help_text="Where the seller pays.")
    due_at = Timestamptz(help_text="Pay before this.")
    paid_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ApiUsage(Table):
    """API calls of an organisation in one calendar month (UTC)."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    month = Varchar(length=7, help_text="YYYY-MM.")
    calls = Integer(default=0)
