"""A normalised dump of a database's schema, one line per fact, sorted, so that two databases built
by different migration histories compare line by line.

PostgreSQL: extensions, tables, columns (type, nullability, default, generated expression),
indexes (their full definition: partial, expression and GIN ones included, plus any per-column
statistics target), constraints (primary, unique, foreign keys, checks), sequences, triggers and
functions that no extension owns. SQLite: every table's columns, foreign keys and indexes read
through PRAGMAs, and the SQL of triggers, views and virtual tables from sqlite_master.

Columns are listed by name, not by position: a column added by a later ALTER TABLE sits at the end
of the table, a squashed migration puts it among the others, and no query here depends on it.

Refresh the reference dumps after adding a migration (see migrations/README.md):

    .venv/bin/python -m tests.migrations.schema_dump sqlite --write
    .venv/bin/python -m tests.migrations.schema_dump postgres --write   # TEST_DATABASE_URL's server
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REFERENCE = {"sqlite": HERE / "schema-sqlite.txt", "postgres": HERE / "schema-postgresql.txt"}
PG_BASE = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _squeeze(sql: str | None) -> str:
    """SQL text with whitespace collapsed and `IF NOT EXISTS` dropped (SQLite keeps the text as written)."""
    text = re.sub(r"\s+", " ", sql or "").strip()
    return re.sub(r"(?i)\bIF NOT EXISTS\b ", "", text)


# -- PostgreSQL ------------------------------------------------------------------------------------

PG_QUERIES = {
    "extension": "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
    "table": """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')""",
    "column": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                        CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END,
                        CASE WHEN a.attgenerated = 's' THEN 'generated ' ELSE 'default ' END
                          || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped""",
    "index": """SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'""",
    "statistics": """SELECT c.relname, a.attnum, a.attstattarget FROM pg_attribute a
                     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND a.attnum > 0
                       AND coalesce(a.attstattarget, -1) >= 0""",
    "constraint": """SELECT c.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid)
                     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'""",
    "sequence": """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'public' AND c.relkind = 'S'""",
    "trigger": """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
                  JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND NOT t.tgisinternal""",
    "function": """SELECT p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc) FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                   AND d.objid = p.oid AND d.deptype = 'e')""",
}


async def dump_postgres(dsn: str) -> list[str]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        lines = []
        for kind, sql in PG_QUERIES.items():
            for row in await connection.fetch(sql):
                lines.append(" | ".join([kind, *(str(value) for value in row)]))
        return sorted(lines)
    finally:
        await connection.close()


# -- SQLite ----------------------------------------------------------------------------------------


def dump_sqlite(path: Path | str) -> list[str]:
    connection = sqlite3.connect(str(path))
    try:
        lines = []
        objects = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
        for kind, name, table, sql in objects:
            if kind == "table" and not (sql or "").upper().startswith("CREATE VIRTUAL"):
                lines.append(f"table | {name}")
                for _cid, column, ctype, notnull, default, pk, hidden in connection.execute(
                        f'PRAGMA table_xinfo("{name}")'):
                    lines.append(f"column | {name} | {column} | {ctype} | {'not null' if notnull else 'null'} | "
                                 f"default {default} | pk {pk} | hidden {hidden}")
                for fk in connection.execute(f'PRAGMA foreign_key_list("{name}")'):
                    _id, _seq, target, source, to, on_update, on_delete, match = fk
                    lines.append(f"foreign key | {name} | {source} -> {target}.{to} | "
                                 f"on update {on_update} | on delete {on_delete} | match {match}")
                for _seq, index, unique, origin, partial in connection.execute(f'PRAGMA index_list("{name}")'):
                    columns = [c[2] if c[2] is not None else f"<expr {c[1]}>"
                               for c in connection.execute(f'PRAGMA index_xinfo("{index}")') if c[5]]
                    # SQLite numbers the indexes behind UNIQUE/PRIMARY KEY in declaration order: name them by content
                    shown = f"<{origin} on {','.join(columns)}>" if index.startswith("sqlite_autoindex_") else index
                    lines.append(f"index | {name} | {shown} | unique {unique} | origin {origin} | partial {partial} | "
                                 f"{','.join(columns)}")
            elif kind == "index":
                if sql:  # the autoindexes have none; they are listed with their table above
                    lines.append(f"index sql | {table} | {name} | {_squeeze(sql)}")
            else:  # triggers, views, virtual tables
                lines.append(f"{kind} | {table} | {name} | {_squeeze(sql)}")
        return sorted(lines)
    finally:
        connection.close()


# -- building a fresh database --------------------------------------------------------------------


def migrate_fresh(env: dict[str, str]) -> None:
    """`storesync migrate` on an empty database, as a process of its own (Piccolo's migration
    modules are imported once per process, so this never reuses what the caller imported)."""
    full_env = {**os.environ, "PICCOLO_CONF": "piccolo_conf", **env}
    done = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"storesync migrate failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


async def pg_admin(sql: str) -> None:
    """Run one statement (CREATE / DROP DATABASE) on the server's maintenance database."""
    import asyncpg

    connection = await asyncpg.connect(PG_BASE)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def fresh_dump(engine: str) -> list[str]:
    """The schema of a database built from nothing by today's migrations, on ``engine``."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="storesync-schema-") as var_dir:
            migrate_fresh({"DATABASE_URL": "", "VAR_DIR": var_dir})
            return dump_sqlite(Path(var_dir) / "storesync.sqlite")
    name = f"storesync_schema_{uuid.uuid4().hex[:8]}"
    dsn = urlsplit(PG_BASE)._replace(path=f"/{name}").geturl()
    await pg_admin(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="storesync-schema-") as var_dir:
            await asyncio.to_thread(migrate_fresh, {"DATABASE_URL": dsn, "VAR_DIR": var_dir})
        return await dump_postgres(dsn)
    finally:
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_reference(engine: str) -> list[str]:
    return REFERENCE[engine].read_text(encoding="utf-8").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=sorted(REFERENCE))
    parser.add_argument("--write", action="store_true", help="replace the reference dump with this one")
    args = parser.parse_args()
    lines = asyncio.run(fresh_dump(args.engine))
    if args.write:
        REFERENCE[args.engine].write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {REFERENCE[args.engine].relative_to(ROOT)} ({len(lines)} lines)")
    else:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
