from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.mail.tables import OutgoingMail

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "mail"),
    table_classes=[OutgoingMail],
    migration_dependencies=[],
)
