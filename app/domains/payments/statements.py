"""Bank statement CSV: read the credits (any bank's export: delimiter sniffed, Indonesian or English
number format), match each to the one open bank transfer of the same unique amount, and apply the
matches a person confirmed on the review screen."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import audit
from app.domains.payments import services
from app.domains.payments.statuses import PaymentMethod, PaymentStatus
from app.domains.payments.tables import Payment

MAX_BYTES = 2_000_000
AMOUNT_HEADERS = ("credit", "kredit", "amount", "jumlah", "nominal", "mutasi", "cr")
DEBIT_HEADERS = ("debit", "debet", "db")
DATE_HEADERS = ("date", "tanggal", "tgl")
TEXT_HEADERS = ("description", "keterangan", "remark", "berita", "uraian", "note")

_ID = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")  # 125.345,00
_EN = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")  # 125,345.00
_PLAIN = re.compile(r"^\d+([.,]\d{1,2})?$")  # 125345 / 125345.00 / 125345,00


@dataclass(frozen=True)
class Credit:
    line: int
    date: str
    text: str
    amount: int


@dataclass(frozen=True)
class Match:
    credit: Credit
    payment: dict[str, Any] | None


def rupiah(text: str) -> int | None:
    """Whole rupiah from a statement cell ("Rp 125.345,00", "125,345.00 CR"); None for anything else
    (a debit, cents, text)."""
    value = text.strip().upper().replace("RP", "").replace("IDR", "").replace(" ", "")
    if value.endswith(("DB", "D")) or value.startswith("-"):
        return None
    value = value.removesuffix("CR").removesuffix("C").removeprefix("+")
    if _ID.match(value):
        whole, _sep, cents = value.partition(",")
        whole = whole.replace(".", "")
    elif _EN.match(value):
        whole, _sep, cents = value.partition(".")
        whole = whole.replace(",", "")
    elif _PLAIN.match(value):
        parts = re.split(r"[.,]", value)
        whole, cents = parts[0], parts[1] if len(parts) > 1 else ""
    else:
        return None
    if cents and int(cents) != 0:
        return None
    return int(whole)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        for i, h in enumerate(lowered):
            if h == name or h.startswith(name + " ") or h.endswith(" " + name) or f"({name})" in h:
                return i
    return None


def read_credits(data: bytes) -> list[Credit]:
    """The credits of a statement CSV; ValidationFailed (nothing read) for a file that is not one."""
    if not data.strip():
        raise ValidationFailed({"statement": _("Choose the bank statement file (CSV).")})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"statement": _("The statement is larger than 2 MB; export a shorter period.")})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    header_at = next((i for i, row in enumerate(rows[:15]) if _column(row, AMOUNT_HEADERS) is not None), None)
    if header_at is None:
        raise ValidationFailed({"statement": _("No amount column found: the statement needs a header row with "
                                               "Credit, Kredit, Amount or Jumlah.")})
    header = rows[header_at]
    amount_col = _column(header, AMOUNT_HEADERS)
    debit_col = _column(header, DEBIT_HEADERS)
    date_col = _column(header, DATE_HEADERS)
    text_col = _column(header, TEXT_HEADERS)
    credits = []
    for number, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        def cell(col: int | None, row: list[str] = row) -> str:
            return row[col].strip() if col is not None and col < len(row) else ""

        if debit_col is not None and debit_col != amount_col and rupiah(cell(debit_col)):
            continue
        amount = rupiah(cell(amount_col))
        if amount:
            credits.append(Credit(number, cell(date_col)[:40], cell(text_col)[:120], amount))
    return credits


async def match(tenant: Tenant, credits: list[Credit]) -> list[Match]:
    """Each credit with the open bank transfer of exactly that amount (or None)."""
    amounts = sorted({c.amount for c in credits})
    open_rows = await tenant.scoped(Payment).select().where(
        (Payment.method == PaymentMethod.BANK_TRANSFER) & (Payment.status == PaymentStatus.PENDING)
        & Payment.amount_due.is_in(amounts or [-1]))
    by_amount = {r["amount_due"]: r for r in open_rows}
    used: set[int] = set()
    matches = []
    for credit in credits:
        payment = by_amount.get(credit.amount)
        if payment is not None and payment["id"] in used:  # the same amount twice: only the first
            payment = None
        if payment is not None:
            used.add(payment["id"])
        matches.append(Match(credit, payment))
    return matches


async def apply(tenant: Tenant, chosen: list[str]) -> tuple[int, list[str]]:
    """Settle the confirmed matches ("<payment id>:<amount>"). Each is checked again (still pending,
    same amount); returns how many were applied and the order numbers skipped."""
    applied, skipped = 0, []
    for value in chosen:
        payment_id, _sep, amount = value.partition(":")
        if not (payment_id.isdigit() and amount.isdigit()):
            continue
        row = await tenant.scoped(Payment).select().where(Payment.id == int(payment_id)).first()
        if row is None:
            continue
        if row["status"] != PaymentStatus.PENDING or row["amount_due"] != int(amount):
            skipped.append(row["order_number"])
            continue
        verdict = await services.settle(row["id"], amount=int(amount), note="bank statement match")
        if verdict == "applied":
            applied += 1
        else:
            skipped.append(row["order_number"])
    await audit.record(tenant.organization_id, tenant.actor, "payments.statement_applied", "payment", None,
                 after={"applied": applied, "skipped": skipped})
    return applied, skipped
