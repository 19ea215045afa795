"""Payments: the initial schema. Payments, their gateway notifications, and each organisation's payment settings.

Squashed on 2026-12-05 from the history before it; see migrations/README.md."""

from enum import Enum

from piccolo.columns.column_types import Boolean, ForeignKey, Integer, JSON, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T06:42:49:749893"
VERSION = "1.38.0"
DESCRIPTION = "payments: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class Payment(Table, tablename="payment"):
    organization = ForeignKey(Organization, null=False, index=True)
    order_id = Integer(index=True)
    order_number = Varchar(length=64, index=True)
    method = Varchar(length=16, choices=Enum(
        "PaymentMethod", {"COD": "cod", "BANK_TRANSFER": "bank_transfer", "MIDTRANS": "midtrans", "XENDIT": "xendit"}))
    status = Varchar(length=16, default="pending", index=True, choices=Enum("PaymentStatus", {
        "PENDING": "pending", "PAID": "paid", "EXPIRED": "expired", "FAILED": "failed", "REFUND_DUE": "refund_due",
        "REFUNDED": "refunded", "CANCELLED": "cancelled"}))
    amount_due = Integer()
    unique_code = Integer()
    open_amount_key = Varchar(length=40, default=None, null=True, unique=True)
    paid_amount = Integer(default=None, null=True)
    paid_at = Timestamptz(default=None, null=True)
    settled_at = Timestamptz(default=None, null=True)
    gateway_reference = Varchar(length=120)
    redirect_url = Text()
    instructions = JSON()
    deadline = Timestamptz(default=None, null=True)
    flagged_reason = Text()
    note = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PaymentSettings(Table, tablename="payment_settings"):
    organization = ForeignKey(Organization, null=False, unique=True)
    cod_enabled = Boolean(default=True)
    bank_transfer_enabled = Boolean(default=True)
    midtrans_enabled = Boolean()
    xendit_enabled = Boolean()
    midtrans_server_key = Text(secret=True)
    midtrans_client_key = Text(secret=True)
    xendit_secret_key = Text(secret=True)
    xendit_callback_token = Text(secret=True)
    bank_accounts = JSON(default="[]")
    updated_at = Timestamptz()


class PaymentNotification(Table, tablename="payment_notification"):
    organization = ForeignKey(Organization, index=True)
    payment = Integer(default=None, null=True, index=True)
    provider = Varchar(length=16)
    order_number = Varchar(length=64, index=True)
    gateway_status = Varchar(length=40)
    raw_body = Text()
    headers = JSON()
    verdict = Varchar(length=20, choices=Enum("Verdict", {
        "APPLIED": "applied", "DUPLICATE": "duplicate", "STALE": "stale", "FLAGGED": "flagged", "FORGED": "forged",
        "AMOUNT_MISMATCH": "amount_mismatch", "UNKNOWN_ORDER": "unknown_order", "MALFORMED": "malformed"}))
    detail = Text()
    received_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "payments", DESCRIPTION)
    migration.create_tables(Payment, PaymentSettings, PaymentNotification)
    return migration
