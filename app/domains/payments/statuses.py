"""The payment methods and payment states a seller and a buyer see (labelled in both languages)."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.statuses import Labelled


class PaymentMethod(Labelled):
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    MIDTRANS = "midtrans"
    XENDIT = "xendit"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"cod": N_("Cash on delivery"), "bank_transfer": N_("Bank transfer"),
                "midtrans": N_("Midtrans (QRIS, e-wallet, virtual account)"),
                "xendit": N_("Xendit (QRIS, e-wallet, virtual account)")}

    @property
    def is_gateway(self) -> bool:
        return self in (PaymentMethod.MIDTRANS, PaymentMethod.XENDIT)


class PaymentStatus(Labelled):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"
    REFUND_DUE = "refund_due"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"pending": N_("Waiting for payment"), "paid": N_("Paid"), "expired": N_("Expired"),
                "failed": N_("Failed"), "refund_due": N_("Refund due"), "refunded": N_("Refunded"),
                "cancelled": N_("Cancelled")}


# A payment that can still receive money in the normal way.
OPEN = (PaymentStatus.PENDING,)
# Closed without money: money arriving now must be refunded.
CLOSED_UNPAID = (PaymentStatus.EXPIRED, PaymentStatus.FAILED, PaymentStatus.CANCELLED)


class Verdict(Labelled):
    """What the receiver decided about one gateway notification."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    STALE = "stale"
    FLAGGED = "flagged"
    FORGED = "forged"
    AMOUNT_MISMATCH = "amount_mismatch"
    UNKNOWN_ORDER = "unknown_order"
    MALFORMED = "malformed"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"applied": N_("Applied"), "duplicate": N_("Duplicate (no change)"),
                "stale": N_("Out of order (no change)"), "flagged": N_("Paid after closing: refund due"),
                "forged": N_("Rejected: signature"), "amount_mismatch": N_("Rejected: amount"),
                "unknown_order": N_("Rejected: unknown order"), "malformed": N_("Rejected: malformed")}
