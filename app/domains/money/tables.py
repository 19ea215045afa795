from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.money.statuses import ExpenseKind, SettlementState
from app.domains.orders.tables import Order
from app.domains.stores.tables import Store


class Settlement(Table):
    """What a marketplace settles for one order, unique per (store, platform order id). An order
    StoreSync does not know is kept with an empty ``order`` and listed as unmatched."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    order = ForeignKey(Order, null=True, index=True, help_text="Empty: an order StoreSync does not know (unmatched).")
    platform_order_id = Varchar(length=64, help_text="Order number on the marketplace.")
    currency = Varchar(length=3, default="IDR")
    amount = Integer(default=0, help_text="Minor units: what the seller receives (escrow / settlement amount).")
    state = Varchar(length=16, choices=SettlementState, default=SettlementState.ESTIMATED)
    settled_at = Timestamptz(null=True, default=None, help_text="When it became final.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SettlementLine(Table):
    """One fee (or income) of a settlement; signed minor units, positive to the seller. The lines
    of a settlement add up to its amount."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    settlement = ForeignKey(Settlement, null=False, index=True)
    kind = Varchar(length=32, help_text="commission, service_fee ... (money.statuses.FeeKind)")
    amount = Integer(default=0)


class SettlementWatermark(Table):
    """How far a store's paid-out settlements have been read (release time)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, unique=True)
    settled_until = Timestamptz(null=True, default=None)


class Expense(Table):
    """A cost the seller enters (ads, packaging ...) on a day, optionally for one store."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    spent_on = Date(help_text="Day in the organisation's time zone.")
    kind = Varchar(length=16, choices=ExpenseKind, default=ExpenseKind.OTHER)
    amount = Integer(default=0, help_text="Minor units.")
    note = Varchar(length=200, default="")
    store = ForeignKey(Store, null=True, help_text="Empty: the whole business.")
    created_by = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class DailyRollup(Table):
    """Money of one organisation's orders per local day x channel x store x variant, kept in step
    with orders, settlements and costs (money.rollups); reports read these, never the orders.
    Fees are signed as in settlements (negative: taken from the seller). ``orders`` counts each
    order once, on the row of its first line."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    day = Date()
    channel = Varchar(length=16)
    store_id = Integer(default=0, help_text="0: no store (website, manual).")
    variant_id = Integer(default=0, help_text="0: lines not mapped to a variant.")
    orders = Integer(default=0)
    units = Integer(default=0)
    revenue = Integer(default=0, help_text="Items sold plus vouchers the platform funds.")
    commission = Integer(default=0)
    service_fee = Integer(default=0)
    transaction_fee = Integer(default=0)
    campaign_fee = Integer(default=0)
    affiliate_commission = Integer(default=0)
    shipping = Integer(default=0, help_text="Net shipping: buyer paid - courier + rebate.")
    tax = Integer(default=0)
    other = Integer(default=0, help_text="Refunds and adjustments.")
    cogs = Integer(default=0, help_text="Cost of goods (fixed when the stock left).")
    unsettled = Integer(default=0, help_text="Orders counted here without a final settlement.")


class SummaryOptOut(Table):
    """A person who does not want the weekly summary e-mail of this organisation."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=False, index=True)
    weekly_summary = Boolean(default=False)
    note = Text(default="")
