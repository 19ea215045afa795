"""Payments: how each order is paid (COD, bank transfer with a unique code, Midtrans, Xendit).

Public face (ISSUE12-INTERFACE.md): other domains use only these names.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.payments.configuration import enabled_methods as enabled_methods
    from app.domains.payments.configuration import key_label as key_label
    from app.domains.payments.configuration import method_label as method_label
    from app.domains.payments.configuration import methods_and_view as methods_and_view
    from app.domains.payments.configuration import platform_gateway as platform_gateway
    from app.domains.payments.demo import seed_demo_payments as seed_demo_payments
    from app.domains.payments.events import PaymentSettled as PaymentSettled
    from app.domains.payments.events import on_payment_settled as on_payment_settled
    from app.domains.payments.services import PaymentStart as PaymentStart
    from app.domains.payments.services import PaymentUnavailable as PaymentUnavailable
    from app.domains.payments.services import PaymentView as PaymentView
    from app.domains.payments.services import cancel_payment as cancel_payment
    from app.domains.payments.services import flag_for_refund as flag_for_refund
    from app.domains.payments.services import payment_for_order as payment_for_order
    from app.domains.payments.services import start_payment as start_payment
    from app.domains.payments.statuses import PaymentMethod as PaymentMethod
    from app.domains.payments.statuses import PaymentStatus as PaymentStatus
else:
    __getattr__ = lazy_exports(__name__, __file__)
