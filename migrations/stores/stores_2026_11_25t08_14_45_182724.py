from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T08:14:45:182724"
VERSION = "1.38.0"
DESCRIPTION = "unique shop per organization"


class Store(Table, tablename="store", schema=None):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="stores", description=DESCRIPTION)

    async def create_index():
        # One row per marketplace shop per organisation; both engines accept this statement.
        await Store.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS store_org_platform_shop_uniq "
            "ON store (organization, platform, platform_shop_id)"
        )

    async def drop_index():
        await Store.raw("DROP INDEX IF EXISTS store_org_platform_shop_uniq")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
