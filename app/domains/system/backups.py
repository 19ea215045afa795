"""Backups that restore: the whole database in one file, with a manifest saying what it holds.

PostgreSQL is dumped by its own tools (pg_dump's custom format from one consistent snapshot,
restored by pg_restore in one transaction); SQLite is copied through its online backup API, a
consistent copy even while the app writes. The file is a tar archive:

    manifest.json      engine, applied migrations, created_at, StoreSync version, one encrypted secret
    database.dump      pg_dump --format=custom            (PostgreSQL)
    database.sqlite    the copied SQLite database          (SQLite)
    media/...          uploaded product photos (VAR_DIR/media)

Marketplace tokens stay encrypted as stored. A restore refuses a file from the other engine or
from a newer schema (migrations this code does not know), a database that already holds rows, and
secrets the current ENCRYPTION_KEYS / SECRET_KEY cannot decrypt; `force` overrides the last two.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from app.core.errors import AppError
from app.domains.stores import ENCRYPTED_COLUMNS

FORMAT = "storesync-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
POSTGRES, SQLITE = "postgresql", "sqlite"
MEMBER = {POSTGRES: "database.dump", SQLITE: "database.sqlite"}
ENGINE_NAMES = {POSTGRES: "PostgreSQL", SQLITE: "SQLite"}
# Piccolo's own bookkeeping: its rows say which migrations ran, not what the organisations hold.
BOOKKEEPING_TABLES = {"migration"}


class BackupError(AppError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Database:
    """Where a backup is taken from or restored to."""

    engine: str
    dsn: str = ""
    sqlite_path: Path | None = None

    @classmethod
    def from_settings(cls, settings) -> Database:
        if settings.uses_postgres:
            return cls(POSTGRES, dsn=settings.database_url)
        return cls(SQLITE, sqlite_path=settings.sqlite_path)

    @property
    def label(self) -> str:
        if self.engine == SQLITE:
            return f"SQLite file {self.sqlite_path}"
        parts = urlsplit(self.dsn)
        return f"PostgreSQL database {parts.path.lstrip('/')} on {parts.hostname or 'localhost'}"


@dataclass(slots=True)
class Outcome:
    manifest: dict[str, Any]
    tables: int
    rows: int = 0  # counted after a restore
    pending_migrations: int = 0


# -- reading a database -------------------------------------------------------------------------


async def fetch_rows(db: Database, sql: str) -> list[tuple]:
    """Rows of one statement, on a connection of its own (a backup runs outside the app's pools)."""
    if db.engine == SQLITE:
        return await asyncio.to_thread(_sqlite_fetch, db.sqlite_path, sql)
    import asyncpg

    try:
        connection = await asyncpg.connect(db.dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"Could not connect to the {db.label}: {exc}") from None
    try:
        return [tuple(r) for r in await connection.fetch(sql)]
    finally:
        await connection.close()


def _read_only(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def _sqlite_fetch(path: Path | None, sql: str) -> list[tuple]:
    assert path is not None, "an SQLite database has a file"
    connection = sqlite3.connect(_read_only(path), uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


async def user_tables(db: Database) -> list[str]:
    """The tables the app made (not SQLite's internals, not the FTS index's shadow tables)."""
    if db.engine == SQLITE:
        if not db.sqlite_path or not db.sqlite_path.exists() or db.sqlite_path.stat().st_size == 0:
            return []
        rows = await fetch_rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
        virtual = await fetch_rows(db, "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL%'")
        shadows = tuple(f"{v[0]}_" for v in virtual)
        return [r[0] for r in rows if not r[0].startswith(shadows)]
    rows = await fetch_rows(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [r[0] for r in rows]


async def row_counts(db: Database) -> dict[str, int]:
    counts = {}
    for table in await user_tables(db):
        counts[table] = (await fetch_rows(db, f'SELECT count(*) FROM "{table}"'))[0][0]
    return counts


async def holds_rows(db: Database) -> bool:
    """Whether any table (Piccolo's migration list aside) has a row: an empty schema is still empty."""
    for table in await user_tables(db):
        if table not in BOOKKEEPING_TABLES and await fetch_rows(db, f'SELECT 1 FROM "{table}" LIMIT 1'):
            return True
    return False


async def applied_migrations(db: Database) -> dict[str, list[str]]:
    if "migration" not in await user_tables(db):
        return {}
    applied: dict[str, list[str]] = {}
    for app_name, name in await fetch_rows(db, "SELECT app_name, name FROM migration ORDER BY app_name, name"):
        applied.setdefault(app_name, []).append(name)
    return applied


async def secret_sample(db: Database) -> str:
    """One encrypted value as stored (empty when no store holds a token), to test keys against."""
    tables = set(await user_tables(db))
    for table, column in ENCRYPTED_COLUMNS:
        if table in tables:
            rows = await fetch_rows(db, f"SELECT {column} FROM \"{table}\" WHERE {column} <> '' ORDER BY id LIMIT 1")
            if rows:
                return rows[0][0]
    return ""


def code_migrations() -> dict[str, list[str]]:
    """The migration ids this code ships, per Piccolo app."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.conf.apps import Finder

    manager = BaseMigrationManager()
    return {config.app_name: sorted(manager.get_migration_modules(config.resolved_migrations_folder_path))
            for config in Finder().get_app_configs()}


def storesync_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storesync")
    except PackageNotFoundError:
        return "unknown"


# -- PostgreSQL's tools -------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on PATH. Install the PostgreSQL client tools of the server's "
                          f"major version (Debian: apt-get install postgresql-client) and try again.")
    return path


def _tool_major(path: str) -> int:
    text = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    if not match:
        raise BackupError(f"Could not tell the version of {path} (it printed {text.strip()[:100]!r}).")
    return int(match.group(1))


def _libpq(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and an environment carrying the password: a password on a
    command line is visible to every user of the machine in the process list."""
    parts = urlsplit(dsn)
    env = dict(os.environ)
    if parts.password is None:
        return dsn, env
    env["PGPASSWORD"] = unquote(parts.password)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl(), env


def _run_tool(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {done.returncode}):\n{detail}")


async def _server_major(db: Database) -> int:
    return int((await fetch_rows(db, "SHOW server_version_num"))[0][0]) // 10000


async def _dump_postgres(db: Database, target: Path) -> dict[str, Any]:
    pg_dump = _tool("pg_dump")
    tool, server = _tool_major(pg_dump), await _server_major(db)
    if tool < server:
        raise BackupError(f"pg_dump {tool} cannot dump a PostgreSQL {server} server. Install the client tools of "
                          f"version {server} or later (Debian: postgresql-client-{server}) and put them first on PATH.")
    dsn, env = _libpq(db.dsn)
    await asyncio.to_thread(_run_tool, [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                                        f"--file={target}", f"--dbname={dsn}"], env, "pg_dump")
    return {"server_major": server, "pg_dump_major": tool}


async def _restore_postgres(db: Database, dump: Path, manifest: dict[str, Any], *, clean: bool) -> None:
    pg_restore = _tool("pg_restore")
    tool = _tool_major(pg_restore)
    made_by = int(manifest.get(POSTGRES, {}).get("pg_dump_major") or 0)
    if tool < made_by:
        raise BackupError(f"This backup was written by pg_dump {made_by}; pg_restore {tool} cannot read it. Install "
                          f"the PostgreSQL client tools of version {made_by} or later and put them first on PATH.")
    server = await _server_major(db)
    if server < int(manifest.get(POSTGRES, {}).get("server_major") or 0):
        raise BackupError(f"This backup comes from PostgreSQL {manifest[POSTGRES]['server_major']}; this server is "
                          f"PostgreSQL {server}. Restore it on a server of that version or later.")
    dsn, env = _libpq(db.dsn)
    args = [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", f"--dbname={dsn}"]
    if clean:
        args += ["--clean", "--if-exists"]
    await asyncio.to_thread(_run_tool, [*args, str(dump)], env, "pg_restore")


# -- SQLite's online backup --------------------------------------------------------------------


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live database: the backup API reads one snapshot while others write."""
    src = sqlite3.connect(_read_only(source), uri=True, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


# -- the backup ----------------------------------------------------------------------------------


def default_output(now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"storesync-backup-{stamp}.tar")


async def backup(db: Database, output: Path, *, media_dir: Path | None = None,
                 now: datetime | None = None) -> Outcome:
    """Write the whole database (and the uploaded photos) to `output`; the manifest it carries."""
    output, work = await asyncio.to_thread(_workspace, output)
    try:
        copy = work / MEMBER[db.engine]
        if db.engine == SQLITE:
            if not db.sqlite_path or not db.sqlite_path.is_file():
                raise BackupError(f"There is no database at {db.sqlite_path}: nothing to back up.")
            await asyncio.to_thread(_copy_sqlite, db.sqlite_path, copy)
            described = Database(SQLITE, sqlite_path=copy)  # describe the copy: exactly what the file holds
            engine_details = {"sqlite_version": sqlite3.sqlite_version}
        else:
            described = db
            engine_details = await _dump_postgres(db, copy)
        migrations = await applied_migrations(described)
        if not migrations:
            raise BackupError(f"The {db.label} has no StoreSync tables: run `storesync migrate` first, or point "
                              "DATABASE_URL / VAR_DIR at the database to back up.")
        tables = await user_tables(described)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "engine": db.engine,
            "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "storesync_version": storesync_version(), "database": MEMBER[db.engine],
            "migrations": migrations, "secret_sample": await secret_sample(described), db.engine: engine_details,
        }
        partial = work / "backup.tar"
        await asyncio.to_thread(_write_archive, partial, manifest, copy, media_dir)
        os.chmod(partial, 0o600)  # password hashes and encrypted tokens: for the operator only
        os.replace(partial, output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Outcome(manifest, len(tables))


def _workspace(output: Path) -> tuple[Path, Path]:
    """The output's full path and a scratch folder beside it (same disk: the final rename is atomic)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    return output, Path(tempfile.mkdtemp(prefix=".storesync-backup-", dir=output.parent))


def _write_archive(path: Path, manifest: dict[str, Any], database: Path, media_dir: Path | None) -> None:
    # The PostgreSQL dump is compressed already; a SQLite file is not.
    with tarfile.open(path, "w:gz" if manifest["engine"] == SQLITE else "w") as archive:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
        archive.addfile(info, io.BytesIO(data))
        archive.add(database, arcname=manifest["database"])
        if media_dir is not None and media_dir.is_dir():
            archive.add(media_dir, arcname=MEDIA)


# -- the restore ---------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of a backup file, or BackupError when the file is not one."""
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{path} is not a StoreSync backup ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a StoreSync backup (no StoreSync manifest in it).")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(f"{path} was written by a newer StoreSync ({manifest.get('storesync_version')}) in a format "
                          "this version cannot read. Upgrade StoreSync first.")
    return manifest


def check_compatible(manifest: dict[str, Any], db: Database, known: dict[str, list[str]]) -> int:
    """Refuse another engine's backup or a newer schema; the number of migrations to apply after."""
    if manifest.get("engine") != db.engine:
        made, here = ENGINE_NAMES.get(str(manifest.get("engine")), str(manifest.get("engine"))), ENGINE_NAMES[db.engine]
        raise BackupError(f"This backup was made from {made}, and this installation uses {here} ({db.label}). "
                          f"Restore it where StoreSync runs on {made}.")
    unknown = sorted(f"{app}/{mid}" for app, ids in manifest.get("migrations", {}).items()
                     for mid in ids if mid not in set(known.get(app, [])))
    if unknown:
        raise BackupError(f"This backup has a newer schema than this StoreSync ({storesync_version()}) knows: "
                          f"{len(unknown)} migration(s) such as {unknown[0]}. Upgrade StoreSync to "
                          f"{manifest.get('storesync_version')} or later, then restore.")
    applied = {(app, mid) for app, ids in manifest.get("migrations", {}).items() for mid in ids}
    return sum(1 for app, ids in known.items() for mid in ids if (app, mid) not in applied)


def check_secrets(manifest: dict[str, Any], decrypt: Callable[[str], str]) -> None:
    sample = manifest.get("secret_sample") or ""
    if not sample:
        return
    try:
        decrypt(sample)
    except Exception:  # InvalidToken or a malformed value: either way these keys cannot read it
        raise BackupError(
            "The marketplace tokens in this backup were encrypted with a key this installation does not have. "
            "Set ENCRYPTION_KEYS (or SECRET_KEY, when ENCRYPTION_KEYS is empty) to the values used where the "
            "backup was made, or pass --force to restore anyway: every store must then be connected again."
        ) from None


async def restore(db: Database, path: Path, *, decrypt: Callable[[str], str], media_dir: Path | None = None,
                  force: bool = False) -> Outcome:
    """Restore a backup file into `db`, which must hold no rows unless `force` (then it is replaced)."""
    manifest = read_manifest(path)
    pending = check_compatible(manifest, db, code_migrations())
    if not force:
        check_secrets(manifest, decrypt)
    has_tables = bool(await user_tables(db))
    if not force and await holds_rows(db):
        raise BackupError(f"The {db.label} is not empty. Restore into a new, empty database (or a new VAR_DIR), or "
                          "pass --force to replace what it holds.")
    work = Path(tempfile.mkdtemp(prefix=".storesync-restore-",
                                 dir=db.sqlite_path.parent if db.sqlite_path else None))
    try:
        extracted = work / MEMBER[db.engine]
        await asyncio.to_thread(_extract_database, path, manifest["database"], extracted)
        if db.engine == SQLITE:
            assert db.sqlite_path is not None, "an SQLite database has a file"
            db.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(_copy_sqlite, extracted, db.sqlite_path)
        else:
            await _restore_postgres(db, extracted, manifest, clean=has_tables)
        if media_dir is not None:  # only once the database is in: a refused restore leaves no photos behind
            await asyncio.to_thread(_extract_media, path, media_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts = await row_counts(db)
    return Outcome(manifest, len(counts), sum(counts.values()), pending)


def _extract_database(path: Path, member_name: str, target: Path) -> None:
    with tarfile.open(path, "r:*") as archive:
        try:
            source = archive.extractfile(member_name)
        except KeyError:
            source = None
        if source is None:
            raise BackupError(f"{path} holds no database ({member_name} is missing).")
        with target.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)


def _extract_media(path: Path, media_dir: Path) -> None:
    with tarfile.open(path, "r:*") as archive:
        photos = [m for m in archive.getmembers() if m.name.startswith(f"{MEDIA}/")]
        if not photos:
            return
        media_dir.mkdir(parents=True, exist_ok=True)
        for member in photos:  # the "data" filter refuses absolute paths, links out and devices
            member.name = member.name[len(MEDIA) + 1:]
            archive.extract(member, media_dir, filter="data")
