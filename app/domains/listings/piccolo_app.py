from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.listings.tables import AllocationRule, Listing, StoreLocation

APP_CONFIG = AppConfig(
    app_name="listings",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "listings"),
    table_classes=[Listing, AllocationRule, StoreLocation],
    migration_dependencies=["app.domains.stores.piccolo_app", "app.domains.catalog.piccolo_app",
                            "app.domains.inventory.piccolo_app"],
)
