"""A tag once per order (raw statements run before a migration's tables exist, hence its own file).
Plain SQL both engines accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T11:09:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique tag per order"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="orders", description=DESCRIPTION)

    async def create_index():
        from piccolo.engine.finder import engine_finder

        await engine_finder().run_ddl(
            'CREATE UNIQUE INDEX IF NOT EXISTS order_tag_order_tag_uniq ON order_tag ("order", tag)')

    async def drop_index():
        from piccolo.engine.finder import engine_finder

        await engine_finder().run_ddl("DROP INDEX IF EXISTS order_tag_order_tag_uniq")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
