"""An order is unique per store and platform order number (replays upsert, never duplicate);
list and search indexes. Plain SQL both engines accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T08:43:36:055153"
VERSION = "1.38.0"
DESCRIPTION = "unique order per store, list indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS order_store_platform_id_uniq ON \"order\" (store, platform_order_id)",
    "CREATE INDEX IF NOT EXISTS order_org_state_placed ON \"order\" (organization, state, placed_at)",
    "CREATE INDEX IF NOT EXISTS order_org_placed ON \"order\" (organization, placed_at)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder

        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
