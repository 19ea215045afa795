"""Payments: how each order is paid (COD, bank transfer with a unique code, Midtrans, Xendit).

Public face (ISSUE12-INTERFACE.md): other domains import only these names.
"""

from app.domains.payments.configuration import enabled_methods
from app.domains.payments.demo import seed_demo_payments
from app.domains.payments.events import PaymentSettled, on_payment_settled
from app.domains.payments.services import (
    PaymentStart,
    PaymentUnavailable,
    PaymentView,
    cancel_payment,
    flag_for_refund,
    payment_for_order,
    start_payment,
)
from app.domains.payments.statuses import PaymentMethod, PaymentStatus

__all__ = [
    "PaymentMethod", "PaymentSettled", "PaymentStart", "PaymentStatus", "PaymentUnavailable", "PaymentView",
    "cancel_payment", "enabled_methods", "flag_for_refund", "on_payment_settled", "payment_for_order",
    "seed_demo_payments", "start_payment",
]
