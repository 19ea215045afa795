"""Search indexes that use each engine's strength over variant.search_text:
PostgreSQL a trigram GIN index (LIKE '%word%' uses it), SQLite an FTS5 table kept in step by
triggers. The catalog search service picks the matching query for the engine."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T08:53:52:180917"
VERSION = "1.38.0"
DESCRIPTION = "variant search: pg_trgm on PostgreSQL, FTS5 on SQLite"

POSTGRES = [
    "CREATE INDEX IF NOT EXISTS variant_search_trgm ON variant USING gin (search_text gin_trgm_ops)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS variant_fts USING fts5(search_text, content='variant', content_rowid='id', "
    "tokenize=\"unicode61 tokenchars '-_./'\")",
    "INSERT INTO variant_fts(variant_fts) VALUES ('rebuild')",
    "CREATE TRIGGER IF NOT EXISTS variant_fts_insert AFTER INSERT ON variant BEGIN "
    "INSERT INTO variant_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS variant_fts_delete AFTER DELETE ON variant BEGIN "
    "INSERT INTO variant_fts(variant_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS variant_fts_update AFTER UPDATE OF search_text ON variant BEGIN "
    "INSERT INTO variant_fts(variant_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO variant_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        from app.core.database import create_extension

        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            # Without pg_trgm this migration fails (and is not recorded), rather than leaving
            # search without its index while claiming to be applied.
            await create_extension(engine, "pg_trgm", "Catalog search")
            for statement in POSTGRES:
                await engine.run_ddl(statement)
        else:
            for statement in SQLITE:
                await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
