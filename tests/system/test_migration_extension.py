"""A migration that needs pg_trgm fails when PostgreSQL refuses to create it, says what to do, and
is not recorded as applied, so the next `storesync migrate` (once the extension can be created)
runs it. Before, it logged a warning and recorded itself applied: search silently lost its index."""

from __future__ import annotations

import asyncio
import os
import subprocess
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests.support import spawn, stop, unique

pytestmark = pytest.mark.skipif(os.environ.get("TEST_ENGINE", "sqlite") != "postgres",
                                reason="CREATE EXTENSION is PostgreSQL's")
CATALOG_INITIAL = "2026-12-05T00:00:05:000000"  # creates pg_trgm and the variant search indexes
ORDERS_INITIAL = "2026-12-05T00:00:09:000000"  # the order search indexes


def _url(base: str, *, user: str | None = None, database: str | None = None) -> str:
    parts = urlsplit(base)
    netloc = parts.netloc.split("@", 1)[-1]
    return parts._replace(netloc=f"{user or parts.username}@{netloc}", path=f"/{database or parts.path[1:]}").geturl()


async def _run_migrate(url: str) -> tuple[int, str]:
    proc = spawn(["migrate"], DATABASE_URL=url)
    try:
        code = await asyncio.to_thread(proc.wait, 300)
    except subprocess.TimeoutExpired:
        code = -1
    return code, stop(proc)


async def test_a_refused_extension_fails_the_migration_and_a_later_run_applies_it():
    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    role, database = unique("ss_noext_"), unique("ss_noext_db_")
    admin = await asyncpg.connect(base)
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN')
        await admin.execute(f'CREATE DATABASE "{database}"')
        in_db = await asyncpg.connect(_url(base, database=database))
        try:  # tables yes, extensions no (no CREATE on the database)
            await in_db.execute(f'GRANT ALL ON SCHEMA public TO "{role}"')
            await in_db.execute(f'REVOKE CREATE ON DATABASE "{database}" FROM PUBLIC')
        finally:
            await in_db.close()
        url = _url(base, user=role, database=database)

        code, text = await _run_migrate(url)
        assert code != 0, text[-3000:]
        assert "CREATE EXTENSION pg_trgm" in text and "storesync migrate" in text, text[-3000:]
        check = await asyncpg.connect(_url(base, database=database))
        try:
            applied = {(r["app_name"], r["name"]) for r in await check.fetch("SELECT app_name, name FROM migration")}
        finally:
            await check.close()
        assert ("catalog", CATALOG_INITIAL) not in applied, "recorded as applied without its extension"

        await admin.execute(f'GRANT CREATE ON DATABASE "{database}" TO "{role}"')
        code, text = await _run_migrate(url)
        assert code == 0, text[-3000:]
        check = await asyncpg.connect(_url(base, database=database))
        try:
            applied = {(r["app_name"], r["name"]) for r in await check.fetch("SELECT app_name, name FROM migration")}
            indexes = {r["indexname"] for r in await check.fetch("SELECT indexname FROM pg_indexes")}
        finally:
            await check.close()
        assert {("catalog", CATALOG_INITIAL), ("orders", ORDERS_INITIAL)} <= applied
        assert {"variant_search_trgm", "order_number_trgm"} <= indexes
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()
