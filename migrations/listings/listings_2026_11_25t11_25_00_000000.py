"""A location is listed once per store (composite key; same SQL on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T11:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique store location"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder

        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS store_location_store_location_uniq ON store_location (store, location)")

    manager.add_raw(run)
    return manager
