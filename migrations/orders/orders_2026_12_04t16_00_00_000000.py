"""The order queue in placing order: indexes that end in (placed_at, id), the queue's keyset.

The queue lists orders newest placed first and pages by (placed_at, id), so each filter the
queue uses at a million orders has an index that hands out its rows already in that order:
all orders, a state tab, the few oversold ones. They supersede the (organization, placed_at),
(organization, state, placed_at) and oversold-by-id indexes, which are dropped (same prefixes,
so nothing that used them loses its index), and the single-column index on placed_at: every query
of orders is scoped to one organisation, and at a million orders PostgreSQL preferred walking that
index backwards and filtering (29 ms for the "completed" tab, which is not among the newest
orders) to the (organization, state, placed_at, id) index that serves the tab directly (0.05 ms)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz

ID = "2026-12-04T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "order queue by placing time: (placed_at, id) keyset indexes"

CREATE = [
    'CREATE INDEX IF NOT EXISTS order_org_placed_id ON "order" (organization, placed_at, id)',
    'CREATE INDEX IF NOT EXISTS order_org_state_placed_id ON "order" (organization, state, placed_at, id)',
    'CREATE INDEX IF NOT EXISTS order_org_oversold_placed ON "order" (organization, placed_at, id) WHERE oversold = true',
]
SUPERSEDED = ["order_org_placed", "order_org_state_placed", "order_org_oversold_id"]
RESTORE = [
    'CREATE INDEX IF NOT EXISTS order_org_placed ON "order" (organization, placed_at)',
    'CREATE INDEX IF NOT EXISTS order_org_state_placed ON "order" (organization, state, placed_at)',
    'CREATE INDEX IF NOT EXISTS order_org_oversold_id ON "order" (organization, id) WHERE oversold = true',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def create_indexes():
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()
        for statement in CREATE:
            await engine.run_ddl(statement)
        for name in SUPERSEDED:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {name}")

    async def restore_indexes():
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()
        for statement in RESTORE:
            await engine.run_ddl(statement)
        for statement in CREATE:
            await engine.run_ddl(f"DROP INDEX IF EXISTS {statement.split()[5]}")

    manager.alter_column(table_class_name="Order", tablename="order", column_name="placed_at",
                         db_column_name="placed_at", params={"index": False}, old_params={"index": True},
                         column_class=Timestamptz, old_column_class=Timestamptz, schema=None)
    manager.add_raw(create_indexes)
    manager.add_raw_backwards(restore_indexes)
    return manager
