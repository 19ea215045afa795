from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.orders.tables import Order


class Voucher(Table):
    """A discount a buyer claims with a code at the website's checkout (or the seller on a manual order)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    code = Varchar(length=40, help_text="Upper-case; unique per organisation. A batch's own codes are in VoucherCode.")
    name = Varchar(length=120, default="")
    kind = Varchar(length=16, default="percent", help_text="percent, fixed or free_shipping")
    value = Integer(default=0, help_text="Percent (1..100) or rupiah off; free shipping: the most shipping it pays.")
    max_discount = Integer(default=0, help_text="Percent vouchers: the most rupiah off (0: no cap).")
    min_spend = Integer(default=0, help_text="Rupiah of eligible items the order must reach.")
    product_ids = JSON(default=[], help_text="Products it applies to (empty: every product).")
    categories = JSON(default=[], help_text="Catalog categories it applies to (empty: every category).")
    starts_at = Timestamptz(null=True, default=None)
    ends_at = Timestamptz(null=True, default=None)
    total_limit = Integer(null=True, default=None, help_text="Uses in all (empty: unlimited).")
    per_customer_limit = Integer(null=True, default=None, help_text="Uses per customer (empty: unlimited).")
    segment = Integer(null=True, default=None, help_text="Only customers of this saved segment (empty: everyone).")
    stackable = Boolean(default=False, help_text="May be combined with other stackable vouchers.")
    batch = Boolean(default=False, help_text="Claimed with its unique single-use codes, not its own code.")
    used = Integer(default=0, help_text="Uses so far; raised by an atomic conditional update.")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class VoucherCode(Table):
    """One single-use code of a batch voucher."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    code = Varchar(length=40, help_text="Upper-case; unique per organisation.")
    order = ForeignKey(Order, null=True, default=None, help_text="The order that used it (empty: still free).")
    used_at = Timestamptz(null=True, default=None)


class VoucherCustomer(Table):
    """How often one customer (phone, else e-mail) used one voucher: the per-customer limit's counter."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    customer = Varchar(length=200)
    uses = Integer(default=0)


class VoucherUse(Table):
    """A voucher applied to an order: the discount given and the order's total (the seller's revenue page)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    voucher = ForeignKey(Voucher, null=False, index=True)
    order = ForeignKey(Order, null=False, index=True)
    code = Varchar(length=40)
    customer = Varchar(length=200, default="")
    discount = Integer(default=0, help_text="Rupiah off this order (items and shipping).")
    order_total = Integer(default=0, help_text="What the buyer paid for the order, after every discount.")
    released = Boolean(default=False, help_text="The order was cancelled: the use was given back.")
    created_at = Timestamptz(default=TimestamptzNow())


class LoyaltySettings(Table):
    """The organisation's loyalty programme: how points are earned, what they are worth, tiers, expiry."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean(default=False)
    rupiah_per_point = Integer(default=1000, help_text="Rupiah spent on a completed order for one point (base tier).")
    point_value = Integer(default=1, help_text="Rupiah one point takes off at the website's checkout.")
    channels = JSON(default=["website", "manual"], help_text="Channels whose completed orders earn points.")
    expiry_days = Integer(default=365, help_text="Days after which earned points expire.")
    tiers = JSON(default=[], help_text='[{"name": "Gold", "min_spend": 5000000, "earn_percent": 150}]: '
                                       "by spend over the last 365 days.")
    started_at = Timestamptz(default=TimestamptzNow(), help_text="Orders placed before this earn nothing.")


class PointsBalance(Table):
    """A customer's points now: always the sum of their ledger lines, never below zero."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200, help_text="Phone number (+62…), else e-mail address.")
    balance = Integer(default=0)


class PointsLine(Table):
    """One change of a customer's points: earned, redeemed, reversed, refunded or expired."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200)
    kind = Varchar(length=16, help_text="earn, redeem, reverse, refund or expire")
    points = Integer(help_text="Signed: + earned or given back, - spent, taken back or expired.")
    order = ForeignKey(Order, null=True, default=None, index=True)
    earn_line = Integer(null=True, default=None, help_text="Expire lines: the earn line whose points expired.")
    remaining = Integer(default=0, help_text="Earn lines: points of this line not yet spent, taken back or expired.")
    expires_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Segment(Table):
    """A saved filter over the organisation's customers (see app/domains/orders/audience.py)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    filters = JSON(default={}, help_text="The segment form's values: channel, city, spend, orders, days, product, tier, rfm.")
    created_at = Timestamptz(default=TimestamptzNow())


class Consent(Table):
    """A customer's marketing consent on one channel (email, whatsapp): its source and date; an
    unsubscribe is final (later consents do not undo it)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    customer = Varchar(length=200, help_text="Phone number (+62…), else e-mail address.")
    channel = Varchar(length=16, help_text="email or whatsapp")
    address = Varchar(length=200, default="", help_text="Where to write: the e-mail address or the phone number.")
    granted = Boolean(default=False)
    source = Varchar(length=60, default="", help_text="Where the consent was given: website checkout, …")
    recorded_at = Timestamptz(default=TimestamptzNow())
    unsubscribed_at = Timestamptz(null=True, default=None)


class Campaign(Table):
    """An e-mail to a segment's consenting customers, or a WhatsApp list of them."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    name = Varchar(length=120)
    kind = Varchar(length=16, default="email", help_text="email or whatsapp")
    segment = ForeignKey(Segment, null=False)
    subject = Varchar(length=200, default="")
    body = Text(default="")
    status = Varchar(length=16, default="draft", help_text="draft, sending or sent")
    total = Integer(default=0)
    sent = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class CampaignMessage(Table):
    """A WhatsApp campaign's number the seller marked as messaged (by hand, from the list)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    campaign = ForeignKey(Campaign, null=False)
    customer = Varchar(length=200, help_text="The recipient's key: phone number (+62…), else e-mail address.")
    sent_at = Timestamptz(default=TimestamptzNow())


class CartReminder(Table):
    """A website cart whose buyer left a contact at the checkout: reminded once after a delay unless ordered."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    cart_id = Integer(help_text="The website's cart (its id; the website says whether it still holds items).")
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    link = Varchar(length=500, default="", help_text="The checkout page to come back to.")
    seen_at = Timestamptz(default=TimestamptzNow(), help_text="The buyer's last visit to the checkout.")
    reminded_at = Timestamptz(null=True, default=None, index=True)
