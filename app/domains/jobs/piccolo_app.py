from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.jobs.tables import BackgroundJob

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "jobs"),
    table_classes=[BackgroundJob],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
