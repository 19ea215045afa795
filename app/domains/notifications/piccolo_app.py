from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.notifications.tables import Notification, NotificationPreference, NotificationRead

APP_CONFIG = AppConfig(
    app_name="notifications",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "notifications"),
    table_classes=[Notification, NotificationRead, NotificationPreference],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
