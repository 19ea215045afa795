"""Uniqueness and search indexes Piccolo's columns cannot declare (composite unique keys).

Plain SQL that PostgreSQL and SQLite both accept, so one history serves both engines.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T08:12:25:844956"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys for SKUs and stock levels, ledger lookup index"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS variant_org_sku_uniq ON variant (organization, sku)",
    "CREATE UNIQUE INDEX IF NOT EXISTS stock_level_variant_location_uniq ON stock_level (variant, location)",
    "CREATE INDEX IF NOT EXISTS stock_movement_variant_created ON stock_movement (variant, created_at)",
    "CREATE INDEX IF NOT EXISTS variant_org_id ON variant (organization, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS location_org_code_uniq ON location (organization, code)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def run():
        from piccolo.engine.finder import engine_finder

        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
