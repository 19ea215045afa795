"""Finer statistics for searching order lines by SKU (PostgreSQL only).

The planner estimates `UPPER(seller_sku) LIKE '%term%'` from the statistics of the trigram index's
expression. With the default 100 values a rare SKU could be guessed at thousands of lines, and
PostgreSQL then walked every order from the newest looking for it (0.5 s at a million orders)
instead of reading the 200 lines the index finds. 1,000 values keep popular SKUs (walking from
the newest is right for them) apart from rare ones."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T12:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "statistics for order line SKU search"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def raise_statistics():
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        engine = engine_finder()
        if isinstance(engine, PostgresEngine):  # the index exists only where pg_trgm could be created
            await engine.run_ddl(
                "DO $$ BEGIN IF to_regclass('order_line_sku_trgm') IS NOT NULL THEN "
                "ALTER INDEX order_line_sku_trgm ALTER COLUMN 1 SET STATISTICS 1000; ANALYZE order_line; "
                "END IF; END $$")

    async def restore_statistics():
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl("ALTER INDEX IF EXISTS order_line_sku_trgm ALTER COLUMN 1 SET STATISTICS -1")

    manager.add_raw(raise_statistics)
    manager.add_raw_backwards(restore_statistics)
    return manager
