"""Payments' tables: one Payment per order, every gateway notification as received, settings per organisation."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.payments.statuses import PaymentMethod, PaymentStatus, Verdict


class Payment(Table):
    """How one order is paid: its method, state, what is due and what arrived.

    `open_amount_key` is "<organization>:<amount_due>" while a bank transfer waits for its money and
    NULL otherwise; its unique index makes two open transfers of one organisation with the same amount
    impossible, even when two checkouts race for the same unique code.
    """

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    order_id = Integer(index=True, help_text="The order (orders domain) this payment is for.")
    order_number = Varchar(length=64, index=True,
                           help_text="The order's number: Midtrans order_id and Xendit external_id.")
    method = Varchar(length=16, choices=PaymentMethod, help_text="cod, bank_transfer, midtrans or xendit.")
    status = Varchar(length=16, choices=PaymentStatus, default=PaymentStatus.PENDING, index=True,
                     help_text="pending, paid, expired, failed, refund_due, refunded or cancelled.")
    amount_due = Integer(help_text="Rupiah to pay; for a bank transfer the order total plus the unique code.")
    unique_code = Integer(default=0, help_text="The 'kode unik' (1..999) added to a bank transfer's total.")
    open_amount_key = Varchar(length=40, null=True, default=None, unique=True,
                              help_text="organization:amount while a bank transfer is open (unique).")
    paid_amount = Integer(null=True, default=None, help_text="Rupiah that arrived.")
    paid_at = Timestamptz(null=True, default=None, help_text="When the money arrived (UTC).")
    settled_at = Timestamptz(null=True, default=None,
                             help_text="When PaymentSettled was emitted (set once: the event goes out once).")
    gateway_reference = Varchar(length=120, default="", help_text="Gateway's transaction / invoice id.")
    redirect_url = Text(default="", help_text="Snap redirect URL or Xendit invoice URL.")
    instructions = JSON(default={}, help_text="What the buyer is told: bank accounts, unique code, deadline.")
    deadline = Timestamptz(null=True, default=None, help_text="Pay before this (UTC).")
    flagged_reason = Text(default="", help_text="Why this payment needs a refund (money after closing).")
    note = Text(default="", help_text="Who marked it paid/refunded by hand, and why.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PaymentNotification(Table):
    """One notification a gateway sent, exactly as received (minus secrets), and what we made of it."""

    id: Serial

    organization = ForeignKey(Organization, null=True, index=True,
                              help_text="Empty when the notification named no order we know.")
    payment = Integer(null=True, default=None, index=True, help_text="The payment it was about, if found.")
    provider = Varchar(length=16, help_text="midtrans or xendit.")
    order_number = Varchar(length=64, default="", index=True)
    gateway_status = Varchar(length=40, default="", help_text="transaction_status / status as sent.")
    raw_body = Text(help_text="The body exactly as received.")
    headers = JSON(default={}, help_text="Content type, user agent and forwarding headers; never tokens.")
    verdict = Varchar(length=20, choices=Verdict, help_text="What the receiver decided.")
    detail = Text(default="", help_text="Why, in a sentence.")
    received_at = Timestamptz(default=TimestamptzNow())


class PaymentSettings(Table):
    """An organisation's payment methods, gateway keys (Fernet-encrypted) and bank accounts."""

    id: Serial

    organization = ForeignKey(Organization, null=False, unique=True)
    cod_enabled = Boolean(default=True, help_text="Offer cash on delivery.")
    bank_transfer_enabled = Boolean(default=True, help_text="Offer manual bank transfer with a unique code.")
    midtrans_enabled = Boolean(default=False, help_text="Offer Midtrans Snap (needs the server key).")
    xendit_enabled = Boolean(default=False, help_text="Offer Xendit invoices (needs the secret key).")
    midtrans_server_key = Text(default="", secret=True, help_text="Midtrans server key, encrypted.")
    midtrans_client_key = Text(default="", secret=True, help_text="Midtrans client key, encrypted.")
    xendit_secret_key = Text(default="", secret=True, help_text="Xendit secret API key, encrypted.")
    xendit_callback_token = Text(default="", secret=True, help_text="Xendit callback verification token, encrypted.")
    bank_accounts = JSON(default=[], help_text="[{bank, number, holder}] shown for manual transfer.")
    updated_at = Timestamptz(default=TimestamptzNow())
