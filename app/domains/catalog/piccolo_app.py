from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.catalog.tables import BundleComponent, Product, Variant

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "catalog"),
    table_classes=[Product, Variant, BundleComponent],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
