"""What differs between PostgreSQL and SQLite in the migrations, in one place.

A migration builds a `Migration` (Piccolo's MigrationManager) and says what it creates:
`create_tables(...)` for the tables Piccolo can express, `run_sql(step, ...)` for the rest
(composite unique keys, partial and expression indexes, PostgreSQL's trigram indexes, SQLite's FTS5
table). A step holds its SQL for each engine *and* its undo, so that every migration can be run
backwards: `both(...)` for SQL both engines accept, `postgres(...)` / `sqlite(...)` for one engine's
only (nothing on the other), `extension(...)` for a PostgreSQL extension.

Piccolo runs a manager's raw callables before it creates the tables; a `Migration` runs its steps
after the tables on the way forwards, and undoes them (in reverse) before dropping the tables on
the way back, all in one transaction: a step that fails leaves nothing behind and the migration is
not recorded as applied, so the next `storesync migrate` runs it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

POSTGRES = "postgres"
SQLITE = "sqlite"


class MissingExtension(RuntimeError):
    """A migration needs a PostgreSQL extension this role may not create."""


def engine_kind() -> str:
    """The engine piccolo_conf built, as POSTGRES or SQLITE (the one place migrations ask)."""
    engine = engine_finder()
    assert engine is not None, "piccolo_conf.py did not define DB"
    return POSTGRES if isinstance(engine, PostgresEngine) else SQLITE


CREATED_BY_US = "created by the StoreSync migrations"  # the mark on an extension they created


async def create_extension(db, name: str, needed_for: str) -> None:
    """Create the extension ``name`` unless it exists (marking it as created here, so that going
    backwards drops only what the migrations created), or MissingExtension saying who must create it.

    The migration then fails and is not recorded as applied, so `storesync migrate` runs it again
    once the extension exists (rather than carrying on without it and claiming to be applied)."""
    try:
        await db.run_ddl(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = '{name}') THEN "
            f"CREATE EXTENSION {name}; COMMENT ON EXTENSION {name} IS '{CREATED_BY_US}'; END IF; END $$")
    except Exception as exc:
        raise MissingExtension(
            f"PostgreSQL refused CREATE EXTENSION {name} ({exc}). {needed_for} needs it: have a superuser "
            f"(or, for a trusted extension such as pg_trgm, a role with CREATE on this database) run "
            f"`CREATE EXTENSION {name};` in this database, then run `storesync migrate` again.") from exc


def drop_extension_sql(name: str) -> str:
    """Drop the extension only if the migrations created it and nothing else uses it: one that was
    there before (or that another schema has come to depend on) is left as it is."""
    return (f"DO $$ BEGIN IF obj_description((SELECT oid FROM pg_extension WHERE extname = '{name}'), "
            f"'pg_extension') = '{CREATED_BY_US}' THEN DROP EXTENSION {name}; END IF; "
            f"EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END $$")


def _listed(sql: str | Sequence[str]) -> tuple[str, ...]:
    return (sql,) if isinstance(sql, str) else tuple(sql)


@dataclass(frozen=True)
class Step:
    """SQL per engine (an engine absent here has nothing to do) and, per engine, its undo."""

    forwards: dict[str, tuple[str, ...]]
    backwards: dict[str, tuple[str, ...]]
    extension: tuple[str, str] | None = field(default=None)  # (name, who needs it), PostgreSQL only

    def __post_init__(self) -> None:
        for kind, statements in self.forwards.items():
            if statements and not self.backwards.get(kind):
                raise ValueError(f"a migration step without a backwards step on {kind}: {statements[0]}")


def both(sql: str | Sequence[str], *, undo: str | Sequence[str]) -> Step:
    """SQL that PostgreSQL and SQLite both accept."""
    return Step({POSTGRES: _listed(sql), SQLITE: _listed(sql)}, {POSTGRES: _listed(undo), SQLITE: _listed(undo)})


def postgres(sql: str | Sequence[str], *, undo: str | Sequence[str]) -> Step:
    """PostgreSQL only; nothing to do on SQLite."""
    return Step({POSTGRES: _listed(sql)}, {POSTGRES: _listed(undo)})


def sqlite(sql: str | Sequence[str], *, undo: str | Sequence[str]) -> Step:
    """SQLite only; nothing to do on PostgreSQL."""
    return Step({SQLITE: _listed(sql)}, {SQLITE: _listed(undo)})


def extension(name: str, *, needed_for: str) -> Step:
    """A PostgreSQL extension, created with create_extension when missing (a clear error when refused);
    going backwards drops it only when it was created here and nothing else uses it."""
    return Step({POSTGRES: ()}, {POSTGRES: (drop_extension_sql(name),)}, extension=(name, needed_for))


class Migration(MigrationManager):
    """A MigrationManager that also runs engine-specific SQL steps after its tables, with their undo."""

    def __init__(self, migration_id: str, app_name: str, description: str) -> None:
        super().__init__(migration_id=migration_id, app_name=app_name, description=description)
        self.steps: list[Step] = []

    def create_tables(self, *tables: type[Table]) -> None:
        """Create these tables (a frozen copy of the domain's tables, declared in the migration)."""
        for table in tables:
            meta = table._meta
            self.add_table(class_name=table.__name__, tablename=meta.tablename, schema=meta.schema, columns=None)
            for column in meta.non_default_columns:
                self.add_column(
                    table_class_name=table.__name__, tablename=meta.tablename, column_name=column._meta.name,
                    db_column_name=column._meta.db_column_name, column_class_name=type(column).__name__,
                    column_class=type(column), params=dict(column._meta.params), schema=meta.schema)

    def run_sql(self, *steps: Step) -> None:
        self.steps.extend(steps)

    async def run(self, backwards: bool = False) -> None:
        engine = engine_finder()
        assert engine is not None, "piccolo_conf.py did not define DB"
        kind = engine_kind()
        if self.preview:  # `piccolo migrations forwards --preview`: show the SQL, run nothing
            await super().run(backwards=backwards)
            for step in reversed(self.steps) if backwards else self.steps:
                for statement in (step.backwards if backwards else step.forwards).get(kind, ()):
                    print(statement)
            return
        async with engine.transaction():  # Piccolo's own transaction below joins this one
            if backwards:
                for step in reversed(self.steps):
                    for statement in step.backwards.get(kind, ()):
                        await engine.run_ddl(statement)
                await super().run(backwards=True)
                return
            await super().run(backwards=False)
            for step in self.steps:
                if step.extension is not None and kind == POSTGRES:
                    await create_extension(engine, *step.extension)
                for statement in step.forwards.get(kind, ()):
                    await engine.run_ddl(statement)
