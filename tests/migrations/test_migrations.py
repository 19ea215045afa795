"""The migrations on the engine under test (TEST_ENGINE): a fresh database built from them has
exactly the reference schema (the one today's history built before it was squashed, refreshed as
migrations/README.md says), they run backwards to nothing and forwards again, Piccolo sees no
change left to make, every SQL step has its undo, and each domain refers only to tables created
before it."""

from __future__ import annotations

import asyncio
import difflib
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.apps.migrations.commands.base import BaseMigrationManager
from piccolo.columns import ForeignKey
from piccolo.conf.apps import Finder

from migrations._engine import POSTGRES, SQLITE, Migration, Step, both, postgres, sqlite
from tests.migrations.schema_dump import (
    PG_BASE,
    ROOT,
    dump_postgres,
    dump_sqlite,
    fresh_dump,
    migrate_fresh,
    pg_admin,
    read_reference,
)

ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
PICCOLO_APPS = {"user", "session_auth"}  # Piccolo's own apps: their migrations ship with Piccolo
# the domains whose history was squashed on 2026-12-05 into <domain>/<domain>_initial.py
SQUASHED = ("accounts", "audit", "jobs", "stores", "catalog", "inventory", "listings", "sync", "orders", "mail",
            "notifications", "fulfillment")


def _domain_configs():
    return [config for config in Finder().get_app_configs() if config.app_name not in PICCOLO_APPS]


async def _managers() -> dict[str, list[MigrationManager]]:
    """Every domain's migrations, as the managers their forwards() build (nothing is run)."""
    base = BaseMigrationManager()
    found = {}
    for config in _domain_configs():
        modules = base.get_migration_modules(config.resolved_migrations_folder_path)
        found[config.app_name] = [await modules[key].forwards() for key in sorted(modules)]
    return found


def _differences(expected: list[str], actual: list[str]) -> str:
    return "\n".join(difflib.unified_diff(expected, actual, "reference", "fresh", lineterm="", n=0))


async def test_a_fresh_database_has_exactly_the_reference_schema():
    reference = read_reference(ENGINE)
    fresh = await fresh_dump(ENGINE)
    assert fresh == reference, ("the schema differs from tests/migrations/schema-*.txt (after adding a migration, "
                                "refresh them as migrations/README.md says):\n" + _differences(reference, fresh))


class _Database:
    """An empty database of the engine under test and the environment that points a process at it."""

    def __init__(self) -> None:
        self.var_dir = Path(tempfile.mkdtemp(prefix="storesync-migrations-"))
        self.name = f"storesync_migrations_{uuid.uuid4().hex[:8]}"
        self.dsn = urlsplit(PG_BASE)._replace(path=f"/{self.name}").geturl() if ENGINE == POSTGRES else ""
        self.env = {"DATABASE_URL": self.dsn, "VAR_DIR": str(self.var_dir)}

    async def __aenter__(self) -> _Database:
        if ENGINE == POSTGRES:
            await pg_admin(f'CREATE DATABASE "{self.name}"')
        return self

    async def __aexit__(self, *exc) -> None:
        if ENGINE == POSTGRES:
            await pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    async def dump(self) -> list[str]:
        if ENGINE == POSTGRES:
            return await dump_postgres(self.dsn)
        return await asyncio.to_thread(dump_sqlite, self.var_dir / "storesync.sqlite")

    def piccolo(self, *args: str) -> str:
        done = subprocess.run([str(Path(sys.executable).parent / "piccolo"), *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=600, env={**os.environ, "PICCOLO_CONF": "piccolo_conf", **self.env})
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done.stdout


async def test_every_migration_runs_backwards_to_an_empty_database_and_forwards_again():
    async with _Database() as database:
        await asyncio.to_thread(migrate_fresh, database.env)
        await asyncio.to_thread(database.piccolo, "migrations", "backwards", "all", "--auto_agree")
        emptied = await database.dump()
        # Only Piccolo's bookkeeping table is left: no table, index, trigger or extension of ours.
        left = {line.split(" | ")[1] for line in emptied if not line.startswith("extension")}
        assert left in ({"migration"}, {"migration", "migration_id_seq"}), emptied
        assert not [line for line in emptied if line.startswith("extension")], emptied
        await asyncio.to_thread(migrate_fresh, database.env)
        again = await database.dump()
    reference = read_reference(ENGINE)
    assert again == reference, _differences(reference, again)


@pytest.mark.skipif(ENGINE != POSTGRES, reason="extensions are PostgreSQL's")
async def test_going_backwards_leaves_an_extension_that_was_there_before():
    """pg_trgm created by someone else (another schema may use it) outlives `migrations backwards all`."""
    import asyncpg

    async with _Database() as database:
        conn = await asyncpg.connect(database.dsn)
        try:
            await conn.execute("CREATE EXTENSION pg_trgm")
        finally:
            await conn.close()
        await asyncio.to_thread(migrate_fresh, database.env)
        await asyncio.to_thread(database.piccolo, "migrations", "backwards", "all", "--auto_agree")
        emptied = await database.dump()
    assert [line for line in emptied if line.startswith("extension")] == ["extension | pg_trgm"], emptied


async def test_piccolo_finds_no_change_to_make_in_any_domain():
    """What `piccolo migrations new <app> --auto` compares: the tables against the migrations."""
    from piccolo.apps.migrations.auto.schema_differ import AlterStatements  # noqa: F401  (the type returned)
    from piccolo.apps.migrations.commands.new import AutoMigrationManager

    pending = {}
    for config in _domain_configs():
        statements = await AutoMigrationManager().get_alter_statements(app_config=config)
        found = [line for alter in statements for line in alter.statements]
        if found:
            pending[config.app_name] = found
    assert pending == {}, f"tables changed without a migration (run `piccolo migrations new <app> --auto`): {pending}"


async def test_every_migration_step_has_its_backwards_step():
    for app, managers in (await _managers()).items():
        for manager in managers:
            where = f"{app} {manager.migration_id}"
            # SQL goes through migrations/_engine.py's steps; a bare add_raw needs its add_raw_backwards
            assert len(manager.raw_backwards) >= len(manager.raw), f"{where}: add_raw without add_raw_backwards"
            for step in getattr(manager, "steps", []):
                for kind, statements in step.forwards.items():
                    if statements or step.extension:
                        assert step.backwards.get(kind), f"{where}: {statements} has no undo on {kind}"


def test_a_step_without_its_undo_is_refused():
    with pytest.raises(ValueError, match="without a backwards step"):
        both("CREATE INDEX a ON b (c)", undo=())
    with pytest.raises(ValueError, match="on postgres"):
        postgres("CREATE INDEX a ON b USING gin (c)", undo=[])
    step = sqlite("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END", undo="DROP TRIGGER t")
    assert step.forwards == {SQLITE: ("CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",)}
    assert step.backwards == {SQLITE: ("DROP TRIGGER t",)} and POSTGRES not in step.forwards
    assert isinstance(step, Step)


async def test_each_squashed_domain_starts_from_its_initial_migration_and_every_id_is_unique():
    managers = await _managers()
    for app in SQUASHED:
        folder = ROOT / "migrations" / app
        assert sorted(path.name for path in folder.glob(f"{app}_*.py"))[0] == f"{app}_initial.py", app
        assert isinstance(managers[app][0], Migration), app
    # Piccolo's `migrations backwards` deletes the record of a migration by its id alone, whatever
    # the app: two apps sharing an id would lose each other's record.
    ids = [manager.migration_id for found in managers.values() for manager in found]
    assert len(set(ids)) == len(ids), sorted(ids)


async def test_a_domain_refers_only_to_tables_created_before_it():
    """A foreign key points at a table of the same domain, of a domain this one depends on
    (`migration_dependencies`, followed through), or of Piccolo's user app."""
    managers = await _managers()
    configs = {config.app_name: config for config in Finder().get_app_configs()}
    owner = {"piccolo_user": "user"}
    for app, found in managers.items():
        for manager in found:
            for table in manager.add_tables:
                owner[table.tablename] = app

    def before(app: str) -> set[str]:
        seen: set[str] = set()
        stack = [app]
        while stack:
            for dependency in configs[stack.pop()].migration_dependency_app_configs:
                if dependency.app_name not in seen:
                    seen.add(dependency.app_name)
                    stack.append(dependency.app_name)
        return seen

    wrong = []
    for app, found in managers.items():
        allowed = before(app) | {app}
        for manager in found:
            for added in manager.add_columns.add_columns:
                references = added.column._meta.params.get("references")
                if isinstance(added.column, ForeignKey) and references != "self":
                    target = references._meta.tablename
                    if owner.get(target) not in allowed:
                        wrong.append(f"{app}.{added.tablename}.{added.column._meta.name} -> {target} "
                                     f"({owner.get(target)}, not among {sorted(allowed)})")
    assert wrong == []
    # ... and the order Piccolo runs the apps in honours it
    order = [config.app_name for config in Finder().get_app_configs(sort_by_migration_dependencies=True)]
    for app in managers:
        assert all(order.index(dependency) < order.index(app) for dependency in before(app)), order


def test_make_clean_removes_the_development_database():
    """The README's way to recreate a development database after the squash."""
    from app.settings import Settings

    planned = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    removed = {Path(ROOT / word).resolve() for line in planned.splitlines() if line.startswith("rm -rf")
               for word in line.split()[2:]}
    default_database = Settings.model_fields["var_dir"].default / "storesync.sqlite"
    assert any(default_database.resolve().is_relative_to(path) for path in removed), (planned, default_database)
