from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.platform_api.tables import ApiKey

APP_CONFIG = AppConfig(
    app_name="platform_api",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "platform_api"),
    table_classes=[ApiKey],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
