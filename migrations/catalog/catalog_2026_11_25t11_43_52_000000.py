"""PostgreSQL: the words of variant.search_text as a stored tsvector with a GIN index, so that
search words of one or two letters ('xl', '42'), which the trigram index cannot serve, match as
word prefixes through an index (as the FTS5 table does on SQLite). SQLite: nothing to do."""

import logging

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T11:43:52:000000"
VERSION = "1.38.0"
DESCRIPTION = "variant search: stored search_words tsvector on PostgreSQL for short words"

log = logging.getLogger(__name__)

POSTGRES = [
    "ALTER TABLE variant ADD COLUMN IF NOT EXISTS search_words tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS variant_search_words ON variant USING gin (search_words)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            for statement in POSTGRES:
                await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
