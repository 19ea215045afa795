"""Landed costs: freight and other costs shared among a purchase order's lines, in whole rupiah.

The rule (also in the README): each line's share is total x its weight / all weights (its value,
its quantity or its weight in grams, by the order's choice), rounded down; the rupiah left over
go one each to the lines with the largest remainders (ties: the earlier line). Within a line the
share is spread over its units the same way (the first units take the extra rupiah). So the
shares always add up to the total, and the units' landed costs to the line's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domains.purchasing.statuses import Allocation


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` (whole numbers, >= 0) so the parts add up exactly.
    All weights zero: split evenly (by count)."""
    if not weights:
        return []
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    if sum(weights) == 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


@dataclass(frozen=True, slots=True)
class CostLine:
    quantity: int
    unit_price: int
    weight_grams: int = 0


def line_shares(lines: Sequence[CostLine], landed: int, method: Allocation) -> list[int]:
    """Each line's share of the landed costs (freight + other), adding up to `landed`."""
    if method == Allocation.QUANTITY:
        weights = [line.quantity for line in lines]
    elif method == Allocation.WEIGHT:
        weights = [line.quantity * line.weight_grams for line in lines]
    else:
        weights = [line.quantity * line.unit_price for line in lines]
    return largest_remainder(landed, weights)


def unit_costs(line: CostLine, share: int, first: int, count: int) -> list[tuple[int, int]]:
    """The landed unit costs of units first .. first+count-1 of a line (0-based), as
    [(unit cost, units)] with at most two entries. Units beyond the ordered quantity (an
    over-delivery) take the price plus the share per ordered unit, rounded down."""
    if count <= 0:
        return []
    quantity = max(line.quantity, 0)
    extra, plus_one = (divmod(share, quantity) if quantity else (0, 0))
    high = max(0, min(first + count, plus_one) - first)  # units that take the extra rupiah
    base = line.unit_price + extra
    return [(cost, units) for cost, units in ((base + 1, high), (base, count - high)) if units]
