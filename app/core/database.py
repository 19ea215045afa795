"""The database engine, chosen from settings: PostgreSQL when DATABASE_URL says so, else SQLite."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from app.settings import get_settings

log = logging.getLogger(__name__)


def build_engine() -> PostgresEngine | SQLiteEngine:
    settings = get_settings()
    if settings.uses_postgres:
        # plan_cache_mode stays 'auto' (generic plans for statements like the reservation, planned
        # once per connection); the queries whose plan depends on a value ask for custom plans
        # with `custom_plans()`.
        return PostgresEngine(config={"dsn": settings.database_url})
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: writers queue behind each other instead of failing with "locked".
    return SQLiteEngine(path=str(settings.sqlite_path), timeout=30)


def engine():
    """The engine Piccolo tables use (the one piccolo_conf built)."""
    from piccolo.engine.finder import engine_finder

    found = engine_finder()
    assert found is not None, "piccolo_conf.py did not define DB"
    return found


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


POOL_SIZE = 20


async def _keep_session(connection) -> None:
    """What a pooled connection needs on release besides asyncpg's own rollback of an unfinished
    transaction: nothing. asyncpg's default also sends a reset statement (advisory unlock, CLOSE
    ALL, UNLISTEN, RESET ALL) — a second round trip after every pooled query — for session state
    this app never creates: no LISTEN, advisory locks, cursors or SET outside a transaction."""


async def start_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=POOL_SIZE, reset=_keep_session)
    else:
        # WAL lets readers run beside the one writer; it is a property of the file, set once.
        await db.run_ddl("PRAGMA journal_mode=WAL;")


async def stop_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def ping_database() -> None:
    await engine().run_ddl("SELECT 1;")


async def migrate() -> None:
    """Apply every pending migration of every registered app."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")


async def pg_fetch(sql: str, *args, fresh_plan: bool = False) -> list:
    """PostgreSQL only: one statement with the server's own $1..$n placeholders (a parameter may
    be used more than once, which Piccolo's raw() cannot say), on the current transaction's
    connection, else on a pooled one. Rows are asyncpg records (read them by column name).

    asyncpg keeps a prepared statement per SQL text, and after five runs PostgreSQL may reuse a
    generic plan made without the parameters' values. `fresh_plan` prepares the statement anew,
    so it is planned for these values — for queries whose best plan depends on them (a search
    word's selectivity), at the price of one more round trip."""

    async def run(connection) -> list:
        if fresh_plan:
            return await (await connection.prepare(sql)).fetch(*args)
        return await connection.fetch(sql, *args)

    db = engine()
    current = db.current_transaction.get()
    if current is not None:
        return await run(current.connection)
    if db.pool is None:  # scripts that never started the pool
        connection = await db.get_new_connection()
        try:
            return await run(connection)
        finally:
            await connection.close()
    async with db.pool.acquire() as connection:
        return await run(connection)


@asynccontextmanager
async def custom_plans() -> AsyncIterator[None]:
    """PostgreSQL plans the statements run inside for their parameters' values on every call.

    asyncpg prepares every statement, and after five runs PostgreSQL may switch to a generic plan
    that cannot see a parameter's value: `ILIKE $1` then walks a million orders instead of a
    trigram index, `oversold = $1` misses its partial index. Outside a transaction this opens one
    (SET LOCAL lasts until its end); inside one, the setting is put back on the way out. SQLite:
    nothing to do."""
    db = engine()
    if not isinstance(db, PostgresEngine):
        yield
        return
    if db.current_transaction.get() is not None:
        await pg_fetch("SET LOCAL plan_cache_mode = force_custom_plan")
        try:
            yield
        finally:
            await pg_fetch("SET LOCAL plan_cache_mode = auto")
        return
    async with db.transaction():
        await pg_fetch("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


_after_commit: ContextVar[list[Callable[[], Awaitable[None]]] | None] = ContextVar("after_commit", default=None)


class transaction:
    """A write transaction: SQLite takes its write lock up front (BEGIN IMMEDIATE) so that two
    writers queue instead of deadlocking on a lock upgrade; PostgreSQL uses a plain transaction.
    The outermost one runs the ``after_commit`` callbacks registered inside it once it has
    committed, and drops them when it rolls back."""

    def __init__(self) -> None:
        from piccolo.engine.sqlite import TransactionType

        db = engine()
        self._inner = (db.transaction(transaction_type=TransactionType.immediate) if isinstance(db, SQLiteEngine)
                       else db.transaction())
        self._token: Token | None = None

    async def __aenter__(self):
        outermost = engine().current_transaction.get() is None
        entered = await self._inner.__aenter__()
        if outermost:
            self._token = _after_commit.set([])
        return entered

    async def __aexit__(self, exc_type, exc, tb):
        callbacks: list[Callable[[], Awaitable[None]]] = []
        if self._token is not None:
            callbacks = _after_commit.get() or []
            _after_commit.reset(self._token)
            self._token = None
        outcome = await self._inner.__aexit__(exc_type, exc, tb)
        if exc is None and not getattr(self._inner, "_rolled_back", False):
            for callback in callbacks:
                await _run_after_commit(callback)
        return outcome


async def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` (network I/O: enqueue a job, send) once the current transaction has
    committed, at once when none is open; never when it rolls back. A callback that fails is
    logged, not raised: what it acts on is already in the database for a sweep to find."""
    db = engine()
    if db.current_transaction.get() is None:
        await _run_after_commit(callback)
        return
    pending = _after_commit.get()
    if pending is None:  # a transaction not opened through transaction(): leave it to the sweep
        log.warning("after_commit outside transaction(): %s left to its sweep", getattr(callback, "__name__", callback))
        return
    pending.append(callback)


async def _run_after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    try:
        await callback()
    except Exception:
        log.exception("after-commit callback %s failed", getattr(callback, "__name__", callback))


class savepoint:
    """Inside a transaction, undo only this block when it raises (the outer work stays);
    outside one, an ordinary write transaction."""

    _own: transaction | None
    _point: Any

    async def __aenter__(self):
        current = engine().current_transaction.get()
        if current is None:
            self._own = transaction()
            await self._own.__aenter__()
            self._point = None
        else:
            self._own = None
            self._point = await current.savepoint()
        return self

    async def __aexit__(self, exc_type, exc, tb):
        if self._own is not None:
            return await self._own.__aexit__(exc_type, exc, tb)
        if exc is not None:
            await self._point.rollback_to()
        else:
            await self._point.release()
        return False
