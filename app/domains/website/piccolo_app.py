from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.website.tables import Cart, CartLine, WebsiteOrder, WebsiteProduct, WebsiteSettings

APP_CONFIG = AppConfig(
    app_name="website",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "website"),
    table_classes=[WebsiteSettings, WebsiteProduct, Cart, CartLine, WebsiteOrder],
    migration_dependencies=["app.domains.orders.piccolo_app", "app.domains.catalog.piccolo_app"],
)
