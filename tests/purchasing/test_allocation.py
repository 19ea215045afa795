"""Landed costs shared among lines by largest remainder: whole rupiah, the parts add up to the whole."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domains.purchasing.allocation import CostLine, largest_remainder, line_shares, unit_costs
from app.domains.purchasing.statuses import Allocation


def test_by_value_quantity_and_weight():
    lines = [CostLine(3, 10_000, 200), CostLine(1, 20_000, 1_000)]
    assert line_shares(lines, 1_001, Allocation.VALUE) == [601, 400]  # 600.6 / 400.4
    assert line_shares(lines, 1_001, Allocation.QUANTITY) == [751, 250]  # 750.75 / 250.25
    assert line_shares(lines, 1_000, Allocation.WEIGHT) == [375, 625]  # 600 g : 1,000 g
    assert line_shares(lines, 0, Allocation.VALUE) == [0, 0]
    assert largest_remainder(10, [0, 0, 0]) == [4, 3, 3]  # nothing to weigh by: evenly, earlier lines first
    with pytest.raises(ValueError):
        largest_remainder(-1, [1])


def test_units_of_a_line_take_its_share_first_units_first():
    line = CostLine(3, 10_000)
    assert unit_costs(line, 601, 0, 3) == [(10_201, 1), (10_200, 2)]
    assert unit_costs(line, 601, 1, 2) == [(10_200, 2)]
    assert unit_costs(line, 602, 0, 1) == [(10_201, 1)]
    assert unit_costs(line, 601, 3, 2) == [(10_200, 2)]  # over-delivered units: price + share per unit, rounded down


@given(total=st.integers(0, 10**9), weights=st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_parts_always_add_up_and_differ_from_the_exact_share_by_less_than_one(total, weights):
    parts = largest_remainder(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)
    whole = sum(weights) or len(weights)
    for part, weight in zip(parts, weights if sum(weights) else [1] * len(weights), strict=True):
        assert abs(part * whole - total * weight) < whole


@given(quantity=st.integers(1, 500), price=st.integers(0, 10**6), share=st.integers(0, 10**7),
       split=st.integers(0, 500))
def test_a_line_received_in_two_parts_costs_exactly_its_price_and_share(quantity, price, share, split):
    line, first = CostLine(quantity, price), min(split, quantity)
    parts = unit_costs(line, share, 0, first) + unit_costs(line, share, first, quantity - first)
    assert sum(cost * units for cost, units in parts) == quantity * price + share
    assert sum(units for _cost, units in parts) == quantity
