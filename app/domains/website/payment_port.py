"""The seam to the payments domain (issue 12's interface, ISSUE12-INTERFACE.md): the website calls
payments only through these functions. While app.domains.payments is not part of the build, a
minimal stand-in offers cash on delivery and manual bank transfer (with a unique code), so that
checkout works; when payments is present every call goes to it."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, is_dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import _

log = logging.getLogger(__name__)
STAND_IN_METHODS = ["cod", "bank_transfer"]


def _payments() -> ModuleType | None:
    try:
        return importlib.import_module("app.domains.payments")
    except ImportError:
        return None


def _plain(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    data = asdict(value) if is_dataclass(value) and not isinstance(value, type) else dict(value)
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


def payments_available() -> bool:
    """Whether the payments domain (and its settings page) is part of the build."""
    return _payments() is not None


async def enabled_methods(org_id: int) -> list[str]:
    payments = _payments()
    if payments is not None:
        return list(await payments.enabled_methods(org_id))
    return list(STAND_IN_METHODS)


async def start_payment(org_id: int, order_id: int, order_number: str, amount: int, method: str, *,
                        buyer_name: str, buyer_phone: str, buyer_email: str | None, deadline: datetime,
                        finish_url: str) -> dict[str, Any]:
    """Start the order's payment (after the order's transaction committed); a JSON-able dict of the
    interface's PaymentStart."""
    payments = _payments()
    if payments is not None:
        return _plain(await payments.start_payment(org_id, order_id, order_number, amount, method, buyer_name,
                                                   buyer_phone, buyer_email, deadline, finish_url))
    if method not in STAND_IN_METHODS:
        raise ValidationFailed({"payment_method": _("Choose a payment method this shop offers.")})
    if method == "cod":
        return {"payment_id": None, "method": method, "status": "pending", "amount_due": amount,
                "redirect_url": None, "instructions": {}, "deadline": None}
    code = order_id % 999 + 1  # the "kode unik" that tells transfers of the same total apart
    return {"payment_id": None, "method": method, "status": "pending", "amount_due": amount + code,
            "redirect_url": None, "deadline": deadline.isoformat(),
            "instructions": {"unique_code": code, "deadline": deadline.isoformat(), "bank_accounts": []}}


async def payment_for_order(org_id: int, order_id: int) -> dict[str, Any] | None:
    payments = _payments()
    if payments is None:
        return None
    return _plain(await payments.payment_for_order(org_id, order_id)) or None


async def cancel_payment(org_id: int, order_id: int) -> None:
    payments = _payments()
    if payments is not None:
        await payments.cancel_payment(org_id, order_id)


async def flag_for_refund(org_id: int, payment_id: int, reason: str) -> None:
    payments = _payments()
    if payments is not None:
        await payments.flag_for_refund(org_id, payment_id, reason)


async def seed_demo_payments(org_id: int) -> None:
    payments = _payments()
    if payments is not None and hasattr(payments, "seed_demo_payments"):
        await payments.seed_demo_payments(org_id)


def on_payment_settled(callback: Callable[[Any], Awaitable[None]]) -> bool:
    """Register the website's reaction to a settled payment, where payments (or core events) offers
    the hook; False when there is nothing to register with yet."""
    try:
        events = importlib.import_module("app.core.events")
    except ImportError:
        events = None
    payments = _payments()
    if payments is not None and hasattr(payments, "on_payment_settled"):
        payments.on_payment_settled(callback)
        return True
    if events is not None and hasattr(events, "subscribe") and payments is not None:
        events.subscribe(payments.PaymentSettled, callback)
        return True
    return False
