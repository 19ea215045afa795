"""The buyer picks a payment method by its label: with both gateways on, the two must differ."""

from __future__ import annotations

from app.core import i18n
from app.domains.website.statuses import PaymentChoice


def test_the_two_gateways_have_labels_a_buyer_can_tell_apart_in_both_languages():
    for locale in ("id", "en"):
        token = i18n.current_locale.set(locale)
        try:
            midtrans, xendit = PaymentChoice.MIDTRANS.label(), PaymentChoice.XENDIT.label()
        finally:
            i18n.current_locale.reset(token)
        assert "Midtrans" in midtrans and "Xendit" in xendit, (locale, midtrans, xendit)
        assert ("QRIS" in midtrans) and ("QRIS" in xendit)
    token = i18n.current_locale.set("id")
    try:
        assert "atau" in PaymentChoice.XENDIT.label()  # translated, not the English msgid
    finally:
        i18n.current_locale.reset(token)
