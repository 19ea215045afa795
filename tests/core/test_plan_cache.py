"""Custom plans only where a query asks for them: the reservation keeps PostgreSQL's plan cache."""

from __future__ import annotations

import os

import pytest

from app.core.database import custom_plans, engine, is_postgres, pg_fetch, transaction

ENGINE = os.environ.get("TEST_ENGINE", "sqlite")

pytestmark = pytest.mark.skipif(ENGINE != "postgres", reason="plan_cache_mode is a PostgreSQL setting")


async def _mode() -> str:
    return (await pg_fetch("SHOW plan_cache_mode"))[0]["plan_cache_mode"]


async def test_connections_plan_generically_unless_a_query_asks_for_custom_plans():
    assert is_postgres()
    assert await _mode() == "auto"
    async with custom_plans():
        assert engine().current_transaction.get() is not None  # SET LOCAL needs its own transaction
        assert await _mode() == "force_custom_plan"
    # The setting ended with that transaction: every pooled connection plans generically again.
    for _ in range(3):
        assert await _mode() == "auto"


async def test_custom_plans_inside_a_transaction_end_with_the_block_not_the_transaction():
    async with transaction():
        async with custom_plans():
            assert await _mode() == "force_custom_plan"
        assert await _mode() == "auto"
