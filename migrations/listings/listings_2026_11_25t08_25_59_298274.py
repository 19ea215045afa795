"""A listing is unique per store and platform item/model (composite key; same SQL on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T08:25:59:298274"
VERSION = "1.38.0"
DESCRIPTION = "unique listing per store, item and model"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder

        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS listing_store_item_model_uniq "
            "ON listing (store, platform_item_id, platform_model_id)")

    manager.add_raw(run)
    return manager
