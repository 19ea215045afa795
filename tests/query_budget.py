"""Counting the statements a piece of code sends to the database, at the driver.

`with counting() as log:` records every statement the current task (and the tasks it starts, such
as an `asyncio.gather` of queries) sends through asyncpg or aiosqlite: one entry per round trip to
the server (PostgreSQL) or to SQLite's thread, BEGIN and COMMIT included. Not counted: the
`PRAGMA foreign_keys = 1` Piccolo's SQLite engine sends on each connection it opens, and the
type introspection asyncpg does once per connection (both bookkeeping of the driver, not the app).

The recording follows contextvars, so an ASGI app called through httpx's ASGITransport in the
test's task is counted, and nothing else running on the loop is.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

_current: ContextVar[QueryLog | None] = ContextVar("query_budget_log", default=None)
_BOOKKEEPING = re.compile(r"^\s*PRAGMA foreign_keys\b", re.IGNORECASE)


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def record(self, sql: object) -> None:
        text = " ".join(str(sql).split())
        if not _BOOKKEEPING.match(text):
            self.statements.append(text)

    def __str__(self) -> str:
        return "\n".join(f"{i + 1:3d}. {s[:240]}" for i, s in enumerate(self.statements))


def _sql_of(args: tuple) -> object:
    # asyncpg: (self, query, ...); aiosqlite: (self, sql, parameters); a PreparedStatement: its query
    if len(args) > 1:
        return args[1]
    statement = args[0]
    return getattr(statement, "_query", None) or getattr(statement, "get_query", lambda: statement)()


def _wrap(cls: type, name: str) -> None:
    original = getattr(cls, name, None)
    if original is None or getattr(original, "_query_budget", False):
        return

    @functools.wraps(original)
    def counted(*args, **kwargs):
        log = _current.get()
        if log is not None:
            log.record(_sql_of(args))
        return original(*args, **kwargs)

    counted._query_budget = True  # type: ignore[attr-defined]
    setattr(cls, name, counted)


def _install() -> None:
    import aiosqlite
    import aiosqlite.cursor
    import asyncpg
    import asyncpg.prepared_stmt

    # Public methods only: each is one round trip, and none calls another public one.
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval", "fetchmany", "prepare",
                 "copy_records_to_table", "copy_to_table", "copy_from_query", "copy_from_table", "cursor"):
        _wrap(asyncpg.Connection, name)
    for name in ("fetch", "fetchrow", "fetchval", "fetchmany", "executemany"):
        _wrap(asyncpg.prepared_stmt.PreparedStatement, name)
    for name in ("execute", "executemany", "executescript"):
        _wrap(aiosqlite.Connection, name)
        _wrap(aiosqlite.cursor.Cursor, name)


_install()


@contextmanager
def counting() -> Iterator[QueryLog]:
    """Record the statements sent from here (and the tasks started here) until the block ends."""
    log = QueryLog()
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)
