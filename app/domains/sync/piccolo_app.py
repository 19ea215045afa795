from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.sync.tables import SyncLog

APP_CONFIG = AppConfig(
    app_name="sync",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "sync"),
    table_classes=[SyncLog],
    migration_dependencies=["app.domains.jobs.piccolo_app"],
)
