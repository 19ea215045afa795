"""Test set-up: a fresh database on the engine under test, a real Redis, and helpers.

TEST_ENGINE=sqlite (default) uses a new SQLite file; TEST_ENGINE=postgres creates a new database
on TEST_DATABASE_URL's server (default the local one). Redis is REDIS_URL, or the embedded server.
Each run uses its own queue name and session namespace, so runs never see each other's keys.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUN_ID = uuid.uuid4().hex[:8]
ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix=f"storesync-test-{RUN_ID}-")
os.environ["QUEUE_NAME"] = f"storesync-test-{RUN_ID}"
os.environ["PICCOLO_CONF"] = "piccolo_conf"
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef0123456789")
os.environ["RUN_WORKER_IN_WEB"] = "false"
os.environ["SMTP_HOST"] = ""
# Plan limits are tests/billing's subject (it turns them on); elsewhere, and in the servers the
# browser tests spawn, an organisation on the Free plan adds the locations and members it needs.
os.environ["BILLING_ENFORCE_LIMITS"] = "false"


def _create_postgres_database() -> str:
    import asyncpg

    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    name = f"storesync_test_{RUN_ID}"

    async def create():
        conn = await asyncpg.connect(base)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return urlsplit(base)._replace(path=f"/{name}").geturl()


if ENGINE == "postgres":
    os.environ["DATABASE_URL"] = _create_postgres_database()
else:
    os.environ["DATABASE_URL"] = ""

import pytest  # noqa: E402

# the marketplace sandbox over HTTP, for the store, sync, order and fulfillment tests that need it
from tests.marketplace import marketplace, sandbox  # noqa: E402,F401
from tests.support import *  # noqa: E402,F401,F403


def pytest_report_header(config):
    from app.settings import get_settings

    s = get_settings()
    return [f"storesync: engine={ENGINE} database={s.database_url or s.sqlite_path} redis={s.redis_url or 'embedded'}"]


@pytest.fixture(scope="session", autouse=True)
async def database():
    from app.core.database import migrate, start_database, stop_database
    from app.core.redis import ensure_redis
    from app.wiring import register_listeners

    register_listeners()  # as every process does: the domains' reactions to each other's events
    ensure_redis()
    await migrate()
    await start_database()
    yield
    await stop_database()
    if ENGINE == "postgres":
        await _drop_postgres_database()


async def _drop_postgres_database() -> None:
    import asyncpg

    base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "storesync_test_{RUN_ID}" WITH (FORCE)')
    finally:
        await conn.close()


def pytest_configure(config):
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _checkouts_counted_per_test():
    """Each test starts with no website checkouts counted against a buyer phone (the limit is 20 an
    hour, and the suite's tests share a handful of buyer phones); a test of the limit counts its own."""
    from redis import Redis

    from app.core.redis import ensure_redis
    from app.settings import get_settings

    client = Redis.from_url(ensure_redis())
    try:
        pattern = f"*LIMITER/{get_settings().queue_name}/checkout-phone/*"
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
    yield
