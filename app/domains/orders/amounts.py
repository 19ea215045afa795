"""An order's amounts, broken down: subtotal (list prices), shipping fee, the seller's and the
platform's discounts, platform fees, and the buyer's total. All integer minor units."""

from __future__ import annotations

from typing import Any

from app.integrations.base import Order as PlatformOrder

BREAKDOWN = ("subtotal", "shipping_fee", "seller_discount", "platform_discount", "platform_fees")


def from_platform(order: PlatformOrder) -> dict[str, Any]:
    """The Order columns for a marketplace order; without a breakdown from the adapter, the lines'
    sum is the subtotal and the fees stay unknown."""
    amounts = order.amounts
    if amounts is None:
        return {"subtotal": sum(line.unit_price * line.quantity for line in order.lines), "shipping_fee": 0,
                "seller_discount": 0, "platform_discount": 0, "platform_fees": None}
    return amounts.model_dump(include=set(BREAKDOWN))


def for_manual(subtotal: int, shipping_fee: int, discount: int) -> dict[str, Any]:
    """A manual order's columns: the seller's discount and the shipping fee they charge."""
    return {"subtotal": subtotal, "shipping_fee": shipping_fee, "seller_discount": discount, "platform_discount": 0,
            "platform_fees": None, "total": subtotal + shipping_fee - discount}
