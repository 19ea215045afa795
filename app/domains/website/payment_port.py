"""The website's calls into the payments domain (issue 12's interface), in one place: checkout,
the status page and the expiry cron see JSON-able dicts of payments' records."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from app.domains import payments


def _plain(value: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(value).items()}


async def enabled_methods(org_id: int) -> list[str]:
    return list(await payments.enabled_methods(org_id))


async def checkout_settings(org_id: int) -> Any:
    """The payment settings a checkout reads once: which methods it offers (`methods_of`), handed
    back to `start_payment` for the same request."""
    return await payments.methods_and_view(org_id)


def methods_of(settings: Any) -> list[str]:
    return list(settings[0])


async def start_payment(org_id: int, order_id: int, order_number: str, amount: int, method: str, *,
                        buyer_name: str, buyer_phone: str, buyer_email: str | None, deadline: datetime,
                        finish_url: str, new_order: bool = False, settings: Any = None) -> dict[str, Any]:
    """Start the order's payment (after the order's transaction committed): payments' PaymentStart.
    `new_order`: the caller's own just-committed order (no payment of it yet); `settings`: from
    `checkout_settings` in the same request."""
    return _plain(await payments.start_payment(org_id, order_id, order_number, amount, method, buyer_name,
                                               buyer_phone, buyer_email, deadline, finish_url, new_order=new_order,
                                               settings=settings))


async def payment_for_order(org_id: int, order_id: int) -> dict[str, Any] | None:
    view = await payments.payment_for_order(org_id, order_id)
    return _plain(view) if view is not None else None


async def cancel_payment(org_id: int, order_id: int) -> None:
    await payments.cancel_payment(org_id, order_id)


async def flag_for_refund(org_id: int, payment_id: int, reason: str) -> None:
    await payments.flag_for_refund(org_id, payment_id, reason)


async def seed_demo_payments(org_id: int) -> None:
    await payments.seed_demo_payments(org_id)


def on_payment_settled(callback: Callable[[Any], Awaitable[None]]) -> None:
    """Register the website's reaction to a settled payment."""
    payments.on_payment_settled(callback)
