from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.inventory.tables import (
    Location,
    StockChange,
    StockCount,
    StockCountLine,
    StockLevel,
    StockMovement,
)

APP_CONFIG = AppConfig(
    app_name="inventory",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "inventory"),
    table_classes=[Location, StockLevel, StockMovement, StockChange, StockCount, StockCountLine],
    migration_dependencies=["app.domains.catalog.piccolo_app"],
)
