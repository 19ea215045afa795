"""Words the shop shows for payment methods and payment states (the payments domain owns the
payments; these are the buyer-facing labels, both languages)."""

from app.core.i18n import N_
from app.core.statuses import Labelled


class PaymentChoice(Labelled):
    COD = "cod"
    BANK_TRANSFER = "bank_transfer"
    MIDTRANS = "midtrans"
    XENDIT = "xendit"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"cod": N_("Cash on delivery (COD)"), "bank_transfer": N_("Bank transfer"),
                # both gateways offer the same ways to pay: the buyer tells them apart by name
                "midtrans": N_("QRIS, e-wallet or virtual account (Midtrans)"),
                "xendit": N_("QRIS, e-wallet or virtual account (Xendit)")}


class PaymentState(Labelled):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    FAILED = "failed"
    REFUND_DUE = "refund_due"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"pending": N_("Waiting for payment"), "paid": N_("Paid"), "expired": N_("Payment expired"),
                "failed": N_("Payment failed"), "refund_due": N_("Refund due"), "refunded": N_("Refunded"),
                "cancelled": N_("Payment cancelled")}
