"""Indexes for the order queue at a million orders (bench/orders_queue.py measures them).

Both engines: (organization, state, id) serves a state tab's newest-first page and its capped
count without touching the table; a partial index finds the few oversold orders.
PostgreSQL only: trigram GIN indexes so that search (ILIKE '%term%' on order number, customer,
phone, and the lines' SKUs) reads the matching rows instead of every order. SQLite has no
trigrams; it keeps the plain scan, as catalog search does without them. Without the right to
create pg_trgm the migration fails with what to do, and runs again on the next migrate."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T11:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "order queue indexes: state tab, oversold, trigram search"

BOTH = [
    'CREATE INDEX IF NOT EXISTS order_org_state_id ON "order" (organization, state, id)',
    'CREATE INDEX IF NOT EXISTS order_org_oversold_id ON "order" (organization, id) WHERE oversold = true',
]
POSTGRES = [
    'CREATE INDEX IF NOT EXISTS order_number_trgm ON "order" USING gin (platform_order_id gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS order_customer_trgm ON "order" USING gin (customer_name gin_trgm_ops)',
    'CREATE INDEX IF NOT EXISTS order_phone_trgm ON "order" USING gin (customer_phone gin_trgm_ops)',
    "CREATE INDEX IF NOT EXISTS order_line_sku_trgm ON order_line USING gin (upper(seller_sku) gin_trgm_ops)",
]
DROP = ["order_org_state_id", "order_org_oversold_id", "order_number_trgm", "order_customer_trgm",
        "order_phone_trgm", "order_line_sku_trgm"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def create_indexes():
        from piccolo.engine.finder import engine_finder
        from piccolo.engine.postgres import PostgresEngine

        engine = engine_finder()
        for statement in BOTH:
            await engine.run_ddl(statement)
        if isinstance(engine, PostgresEngine):
            from app.core.database import create_extension

            # Without pg_trgm this migration fails (and is not recorded): see create_extension.
            await create_extension(engine, "pg_trgm", "Order search")
            for statement in POSTGRES:
                await engine.run_ddl(statement)

    async def drop_indexes():
        from piccolo.engine.finder import engine_finder

        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
